// The generated Go client renews its subscriptions after a reconnect: it receives a tick,
// prints SUBSCRIBED, and then (run.sh restarts the server on the same port meanwhile) must
// receive a tick of the new server (its seq starts again from 1) without subscribing again.
//
// Usage: reconnect URL
package main

import (
	"context"
	"fmt"
	"os"
	"sync"
	"time"

	"jsonws.test/codegen/democlient"
)

func main() {
	c, err := democlient.New(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer c.Close()
	var mu sync.Mutex
	var seqs []int64
	first := make(chan struct{})
	restarted := make(chan struct{})
	var firstOnce, restartedOnce sync.Once
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err = c.OnTick(ctx, func(t democlient.Tick) {
		mu.Lock()
		defer mu.Unlock()
		if len(seqs) > 0 && t.Seq < seqs[len(seqs)-1] {
			restartedOnce.Do(func() { close(restarted) })
		}
		seqs = append(seqs, t.Seq)
		firstOnce.Do(func() { close(first) })
	})
	if err != nil {
		fmt.Printf("go reconnect: FAILED: %v\n", err)
		os.Exit(1)
	}
	select {
	case <-first:
	case <-time.After(10 * time.Second):
		fmt.Println("go reconnect: FAILED: no first tick")
		os.Exit(1)
	}
	fmt.Println("SUBSCRIBED")
	select {
	case <-restarted:
	case <-time.After(30 * time.Second):
		mu.Lock()
		fmt.Printf("go reconnect: FAILED: no tick from the restarted server within 30 s (seqs %v)\n", seqs)
		mu.Unlock()
		os.Exit(1)
	}
	mu.Lock()
	fmt.Printf("go reconnect: ok (seqs %v)\n", seqs)
	mu.Unlock()
}
