// The generated Go client of the `edge` service (tests/codegen/edge.json): params named class,
// from, base, type and default (type_ and the options' Default), a method delete, a method
// close beside the client's own Close (Close_), enum members and fields named like keywords,
// and text that must survive.
//
// Usage: edge URL
package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"jsonws.test/codegen/edgeclient"
)

const text = "quotes \" ' */ \"\"\" ?> </script> ünïcödé 日本語 🎉 \\ end"

func check(cond bool, format string, args ...any) {
	if !cond {
		panic(fmt.Sprintf("check failed: "+format, args...))
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(fmt.Sprintf("unexpected error: %v", err))
	}
	return v
}

func run(url string) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	c := must(edgeclient.New(url))
	defer c.Close()
	echoed := must(c.Echo(ctx, "c", 1, 2.5, "t", nil))
	check(echoed["class"] == "c" && echoed["from"] == 1.0 && echoed["base"] == 2.5 && echoed["type"] == "t" &&
		echoed["default"] == "dflt \"\"\" */ ✓", "echo: %v", echoed)
	given := must(c.Echo(ctx, "c", 1, 2.5, "t", &edgeclient.EchoOptions{Default: edgeclient.Ptr("mine")}))
	check(given["default"] == "mine", "echo with default given: %v", given)
	check(must(c.Delete(ctx, 41)) == 42, "delete(41)")
	check(must(c.Close_(ctx)) == "closed", "Close_()")
	check(must(c.Kind(ctx, edgeclient.KindNone)) == edgeclient.KindNone && edgeclient.KindClass == "class", "kind")
	check(must(c.Text(ctx)) == text, "text() arrives intact")
	self := edgeclient.KindSelf
	rec := must(c.Ns.Record(ctx, edgeclient.Record{Class: "x", From: 2, Self: &self}))
	check(rec.Class == "x" && rec.Self != nil && *rec.Self == edgeclient.KindSelf && rec.Type != nil &&
		*rec.Type == "t */ \"\"\" ✓", "ns.record: %+v", rec)
}

func main() {
	defer func() {
		if r := recover(); r != nil {
			fmt.Printf("go edge client: FAILED: %v\n", r)
			os.Exit(1)
		}
	}()
	run(os.Args[1])
	fmt.Println("go edge client: ok")
}
