// The generated Java client renews its subscriptions after a reconnect: it receives a tick,
// prints SUBSCRIBED, and then (run.sh restarts the server on the same port meanwhile) must
// receive a tick of the new server (its seq starts again from 1) without subscribing again.
//
// Usage: java -cp DIR Reconnect URL

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

public final class Reconnect {
    private Reconnect() {
    }

    public static void main(String[] args) throws InterruptedException {
        List<Long> seqs = new ArrayList<>();
        CountDownLatch first = new CountDownLatch(1);
        CountDownLatch restarted = new CountDownLatch(1);
        try (DemoClient c = new DemoClient(args[0])) {
            c.onTick(t -> {
                synchronized (seqs) {
                    if (!seqs.isEmpty() && t.seq() < seqs.get(seqs.size() - 1)) {
                        restarted.countDown();
                    }
                    seqs.add(t.seq());
                }
                first.countDown();
            });
            if (!first.await(10, TimeUnit.SECONDS)) {
                System.out.println("java reconnect: FAILED: no first tick");
                System.exit(1);
            }
            System.out.println("SUBSCRIBED");
            System.out.flush();
            boolean ok = restarted.await(30, TimeUnit.SECONDS);
            synchronized (seqs) {
                if (!ok) {
                    System.out.println("java reconnect: FAILED: no tick from the restarted server within 30 s (seqs " + seqs + ")");
                    System.exit(1);
                }
                System.out.println("java reconnect: ok (seqs " + seqs + ")");
            }
        }
        System.exit(0);
    }
}
