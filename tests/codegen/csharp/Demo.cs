// The generated C# client against a live `jsonws serve`: every call of the demo, blocking and
// ...Async, a tick through the typed handler, `confirm` answered during `ask`, non-ASCII chat.
// Compiled with the generated DemoClient.cs by mcs -warnaserror (tests/codegen/run.sh).
//
// Usage: mono programs.exe demo URL

using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;

public static class Demo
{
    const string Text = "h\u00e9llo w\u00f6rld \u2713 \u65e5\u672c\u8a9e \ud83c\udf89 \"quotes\" </script> \"\"\"";

    static void Check(bool cond, string what)
    {
        if (!cond) throw new Exception("check failed: " + what);
    }

    static void Run(string url)
    {
        var when = new DateTime(2013, 12, 14, 11, 0, 53, 379, DateTimeKind.Utc);
        var bytes = new byte[] { 0, 1, 2, 127, 128, 254, 255 };
        using (var c = new DemoClient(url))
        {
            Check(c.Sum(1, 2) == 3, "Sum");
            Check(c.SumAsync(20, 22).Result == 42, "SumAsync");
            Check(c.Math.Pow(3) == 9, "Math.Pow(3) with the default exp");
            Check(c.Math.Pow(2, 10) == 1024, "Math.Pow(2, 10)");
            Check(c.Math.PowAsync(2, 3).Result == 8, "Math.PowAsync(2, 3)");
            var p = c.Types.Point(new DemoClient.Point { X = 1, Y = 2 });
            Check(p.X == 1 && p.Y == 2 && p.Label == "pt", "Types.Point: " + p.Label);
            Check(c.Types.Color(DemoClient.Color.Green) == DemoClient.Color.Green, "Types.Color");
            var d = c.Types.EchoDate(when);
            Check(d == when && d.Kind == DateTimeKind.Utc, "Types.EchoDate: " + d.ToString("o"));
            Check(c.Types.EchoBinary(bytes).SequenceEqual(bytes), "Types.EchoBinary");
            Check(c.Types.Total(new List<double> { 1.5, 2.5, 3 }) == 7.0, "Types.Total");
            try
            {
                c.Fail();
                Check(false, "Fail() must throw");
            }
            catch (DemoClient.JsonRpcException e)
            {
                var data = e.ErrorData as Dictionary<string, object>;
                Check(e.Code == 4000 && data != null && (string)data["reason"] == "demonstration", "Fail(): " + e.Message);
            }
            try
            {
                c.FailAsync().Wait();
                Check(false, "FailAsync() must fail");
            }
            catch (AggregateException e)
            {
                var inner = e.InnerException as DemoClient.JsonRpcException;
                Check(inner != null && inner.Code == 4000, "FailAsync(): " + e);
            }
            try
            {
                using (var nowhere = new DemoClient("http://127.0.0.1:1/api/demo/1.0.0", TimeSpan.FromSeconds(5)))
                {
                    nowhere.Sum(1, 2);
                }
                Check(false, "an unreachable server must throw");
            }
            catch (DemoClient.TransportException)
            {
                // A transport failure is not an error reply.
            }

            var ticks = new BlockingCollection<DemoClient.Tick>();
            var sub = c.OnTick(t => ticks.Add(t));
            DemoClient.Tick tick;
            Check(ticks.TryTake(out tick, TimeSpan.FromSeconds(10)), "no tick within 10 s");
            Check(tick.Seq >= 1 && tick.At.Kind == DateTimeKind.Utc, "tick");
            sub.Dispose();

            var asked = new ConcurrentQueue<object>();
            c.Expose("confirm", args =>
            {
                asked.Enqueue(args[0]);
                return "yes, go";
            });
            var answer = c.Ask("Proceed?");
            object question;
            Check(answer == "yes, go" && asked.TryDequeue(out question) && (string)question == "Proceed?", "Ask: " + answer);

            var messages = new BlockingCollection<DemoClient.ChatMessage>();
            c.OnChatMessage(m => messages.Add(m));
            c.Chat.Send(Text);
            DemoClient.ChatMessage message;
            Check(messages.TryTake(out message, TimeSpan.FromSeconds(10)), "no chat.message within 10 s");
            Check(message.Text == Text && message.At.Kind == DateTimeKind.Utc, "chat.message: " + message.Text);
        }
        using (var w = new DemoClient("ws" + url.Substring(4)))
        {
            Check(w.Math.Pow(2, 5) == 32, "ws: Math.Pow(2, 5)");
            try
            {
                w.Fail();
                Check(false, "ws: Fail() must throw");
            }
            catch (DemoClient.JsonRpcException e)
            {
                Check(e.Code == 4000, "ws: Fail()");
            }
        }
    }

    public static int Main(string[] args)
    {
        try
        {
            Run(args[0]);
            Console.WriteLine("csharp client: ok");
            return 0;
        }
        catch (Exception e)
        {
            Console.WriteLine(e);
            Console.WriteLine("csharp client: FAILED: " + e.Message);
            return 1;
        }
    }
}
