// The generated Go client against a live `jsonws serve`: every call of the demo, a tick through
// the typed handler, `confirm` answered during `ask`, and non-ASCII chat (tests/codegen/run.sh
// copies the generated democlient package beside this module's go.mod).
//
// Usage: demo URL
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"jsonws.test/codegen/democlient"
)

const text = "héllo wörld ✓ 日本語 🎉 \"quotes\" </script> \"\"\""

var (
	when = time.Date(2013, 12, 14, 11, 0, 53, 379000000, time.UTC)
	data = []byte{0, 1, 2, 127, 128, 254, 255}
)

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
	c := must(democlient.New(url))
	defer c.Close()

	sum := must(c.Sum(ctx, 1, 2))
	check(sum == 3, "sum: %v", sum)
	check(must(c.Math.Pow(ctx, 3, nil)) == 9, "math.pow(3) with the default exp")
	check(must(c.Math.Pow(ctx, 3, &democlient.MathPowOptions{})) == 9, "math.pow(3) with empty options")
	check(must(c.Math.Pow(ctx, 2, &democlient.MathPowOptions{Exp: democlient.Ptr[int64](10)})) == 1024, "math.pow(2, 10)")
	p := must(c.Types.Point(ctx, democlient.Point{X: 1, Y: 2}))
	check(p.X == 1 && p.Y == 2 && p.Label != nil && *p.Label == "pt", "types.point: %+v", p)
	check(must(c.Types.Color(ctx, democlient.ColorGreen)) == democlient.ColorGreen, "types.color")
	d := must(c.Types.EchoDate(ctx, when))
	check(d.Equal(when) && d.Location() == time.UTC, "types.echoDate: %v", d)
	b := must(c.Types.EchoBinary(ctx, data))
	check(bytes.Equal(b, data), "types.echoBinary: %v", b)
	check(must(c.Types.Total(ctx, []float64{1.5, 2.5, 3})) == 7, "types.total")

	err := c.Fail(ctx)
	var rpcErr *democlient.Error
	check(errors.As(err, &rpcErr), "fail() returns an *Error, not %v", err)
	reason, _ := rpcErr.Data.(map[string]any)["reason"].(string)
	check(rpcErr.Code == 4000 && reason == "demonstration", "fail(): %d %v", rpcErr.Code, rpcErr.Data)

	_, err = democlient.New("ftp://127.0.0.1/api/demo/1.0.0")
	check(err != nil, "New refuses a URL that is not http(s):// or ws(s)://")
	_, err = must(democlient.New("http://127.0.0.1:1/api/demo/1.0.0")).Sum(ctx, 1, 2)
	var transport *democlient.TransportError
	check(errors.As(err, &transport), "an unreachable server gives a *TransportError, not %v", err)

	ticks := make(chan democlient.Tick, 1)
	off := must(c.OnTick(ctx, func(t democlient.Tick) {
		select {
		case ticks <- t:
		default:
		}
	}))
	select {
	case t := <-ticks:
		check(t.Seq >= 1 && !t.At.IsZero(), "tick: %+v", t)
	case <-time.After(10 * time.Second):
		panic("no tick within 10 s")
	}
	off()

	var asked []string
	check(c.Expose(ctx, "confirm", func(params json.RawMessage) (any, error) {
		var args []string
		if err := json.Unmarshal(params, &args); err != nil || len(args) != 1 {
			return nil, &democlient.Error{Code: -32602, Message: "confirm takes one string"}
		}
		asked = append(asked, args[0])
		return "yes, go", nil
	}) == nil, "expose")
	answer := must(c.Ask(ctx, "Proceed?"))
	check(answer == "yes, go" && len(asked) == 1 && asked[0] == "Proceed?", "ask: %q %q", answer, asked)

	messages := make(chan democlient.ChatMessage, 1)
	must(c.OnChatMessage(ctx, func(m democlient.ChatMessage) { messages <- m }))
	check(c.Chat.Send(ctx, text) == nil, "chat.send")
	select {
	case m := <-messages:
		check(m.Text == text && !m.At.IsZero(), "chat.message: %q", m.Text)
	case <-time.After(10 * time.Second):
		panic("no chat.message within 10 s")
	}

	// The same calls over one WebSocket from the start.
	w := must(democlient.New("ws" + url[len("http"):]))
	defer w.Close()
	check(must(w.Math.Pow(ctx, 2, &democlient.MathPowOptions{Exp: democlient.Ptr[int64](3)})) == 8, "ws: math.pow(2, 3)")
	err = w.Fail(ctx)
	check(errors.As(err, &rpcErr) && rpcErr.Code == 4000, "ws: fail(): %v", err)
}

func main() {
	defer func() {
		if r := recover(); r != nil {
			fmt.Printf("go client: FAILED: %v\n", r)
			os.Exit(1)
		}
	}()
	run(os.Args[1])
	fmt.Println("go client: ok")
}
