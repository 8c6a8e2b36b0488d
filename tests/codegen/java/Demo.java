// The generated Java client against a live `jsonws serve`: every call of the demo, blocking and
// ...Async, a tick through the typed handler, `confirm` answered during `ask`, non-ASCII chat.
// Compiled with the generated DemoClient.java under javac -Xlint:all -Werror (tests/codegen/run.sh).
//
// Usage: java -cp DIR Demo URL

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

public final class Demo {
    static final String TEXT = "h\u00e9llo w\u00f6rld \u2713 \u65e5\u672c\u8a9e \ud83c\udf89 \"quotes\" </script> \"\"\"";
    static final Instant WHEN = Instant.parse("2013-12-14T11:00:53.379Z");
    static final byte[] BYTES = {0, 1, 2, 127, (byte) 128, (byte) 254, (byte) 255};

    private Demo() {
    }

    static void check(boolean cond, String what) {
        if (!cond) {
            throw new AssertionError("check failed: " + what);
        }
    }

    static void run(String url) throws Exception {
        try (DemoClient c = new DemoClient(url)) {
            check(c.sum(1, 2) == 3, "sum");
            check(c.sumAsync(20, 22).get(10, TimeUnit.SECONDS) == 42, "sumAsync");
            check(c.math.pow(3) == 9, "math.pow(3) with the default exp");
            check(c.math.pow(2, 10) == 1024, "math.pow(2, 10)");
            check(c.math.powAsync(2, 3).get(10, TimeUnit.SECONDS) == 8, "math.powAsync(2, 3)");
            DemoClient.Point p = c.types.point(new DemoClient.Point(1, 2));
            check(p.x() == 1 && p.y() == 2 && "pt".equals(p.label()), "types.point: " + p);
            check(c.types.color(DemoClient.Color.Green) == DemoClient.Color.Green, "types.color");
            check(c.types.echoDate(WHEN).equals(WHEN), "types.echoDate");
            check(Arrays.equals(c.types.echoBinary(BYTES), BYTES), "types.echoBinary");
            check(c.types.total(List.of(1.5, 2.5, 3.0)) == 7.0, "types.total");
            try {
                c.fail();
                check(false, "fail() must throw");
            } catch (DemoClient.JsonRpcException e) {
                Object reason = e.getData() instanceof Map<?, ?> m ? m.get("reason") : null;
                check(e.getCode() == 4000 && "demonstration".equals(reason), "fail(): " + e + " " + e.getData());
            }
            try {
                c.failAsync().join();
                check(false, "failAsync() must complete exceptionally");
            } catch (CompletionException e) {
                check(e.getCause() instanceof DemoClient.JsonRpcException j && j.getCode() == 4000, "failAsync(): " + e);
            }
            try (DemoClient nowhere = new DemoClient("http://127.0.0.1:1/api/demo/1.0.0")) {
                nowhere.sum(1, 2);
                check(false, "an unreachable server must throw");
            } catch (DemoClient.TransportException e) {
                // A transport failure is not an error reply.
            }

            BlockingQueue<DemoClient.Tick> ticks = new ArrayBlockingQueue<>(100);
            DemoClient.Subscription sub = c.onTick(ticks::offer);
            DemoClient.Tick t = ticks.poll(10, TimeUnit.SECONDS);
            check(t != null && t.seq() >= 1 && t.at() != null, "tick: " + t);
            sub.close();

            List<Object> asked = new ArrayList<>();
            c.expose("confirm", params -> {
                asked.add(params.get(0));
                return "yes, go";
            });
            String answer = c.ask("Proceed?");
            check("yes, go".equals(answer) && asked.equals(List.of("Proceed?")), "ask: " + answer + " " + asked);

            BlockingQueue<DemoClient.ChatMessage> messages = new ArrayBlockingQueue<>(10);
            c.onChatMessage(messages::offer);
            c.chat.send(TEXT);
            DemoClient.ChatMessage m = messages.poll(10, TimeUnit.SECONDS);
            check(m != null && TEXT.equals(m.text()) && m.at() != null, "chat.message: " + m);
        }
        try (DemoClient w = new DemoClient("ws" + url.substring(4))) {
            check(w.math.pow(2, 5) == 32, "ws: math.pow(2, 5)");
            try {
                w.fail();
                check(false, "ws: fail() must throw");
            } catch (DemoClient.JsonRpcException e) {
                check(e.getCode() == 4000, "ws: fail(): " + e);
            }
        }
    }

    public static void main(String[] args) {
        try {
            run(args[0]);
            System.out.println("java client: ok");
            System.exit(0);
        } catch (Throwable e) {
            e.printStackTrace(System.out);
            System.out.println("java client: FAILED: " + e);
            System.exit(1);
        }
    }
}
