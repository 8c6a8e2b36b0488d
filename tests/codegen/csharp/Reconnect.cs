// The generated C# client renews its subscriptions after a reconnect: it receives a tick,
// prints SUBSCRIBED, and then (run.sh restarts the server on the same port meanwhile) must
// receive a tick of the new server (its seq starts again from 1) without subscribing again.
//
// Usage: mono programs.exe reconnect URL

using System;
using System.Collections.Generic;
using System.Threading;

public static class Reconnect
{
    public static int Main(string[] args)
    {
        var seqs = new List<long>();
        var first = new ManualResetEventSlim();
        var restarted = new ManualResetEventSlim();
        using (var c = new DemoClient(args[0]))
        {
            c.OnTick(t =>
            {
                lock (seqs)
                {
                    if (seqs.Count > 0 && t.Seq < seqs[seqs.Count - 1]) restarted.Set();
                    seqs.Add(t.Seq);
                }
                first.Set();
            });
            if (!first.Wait(TimeSpan.FromSeconds(10)))
            {
                Console.WriteLine("csharp reconnect: FAILED: no first tick");
                return 1;
            }
            Console.WriteLine("SUBSCRIBED");
            Console.Out.Flush();
            bool ok = restarted.Wait(TimeSpan.FromSeconds(30));
            lock (seqs)
            {
                var list = string.Join(" ", seqs);
                if (!ok)
                {
                    Console.WriteLine("csharp reconnect: FAILED: no tick from the restarted server within 30 s (seqs " + list + ")");
                    return 1;
                }
                Console.WriteLine("csharp reconnect: ok (seqs " + list + ")");
            }
        }
        return 0;
    }
}
