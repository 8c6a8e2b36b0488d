// The generated Java client of the `edge` service (tests/codegen/edge.json): params named
// class, from, base, type and default (class_, default_), a method delete, a method close beside
// the client's own close() (close_), enum members and fields named like keywords, and text that
// must survive. Compiled with EdgeClient.java under javac -Xlint:all -Werror.
//
// Usage: java -cp DIR Edge URL

import java.util.Map;

public final class Edge {
    static final String TEXT = "quotes \" ' */ \"\"\" ?> </script> \u00fcn\u00efc\u00f6d\u00e9 \u65e5\u672c\u8a9e \ud83c\udf89 \\ end";

    private Edge() {
    }

    static void check(boolean cond, String what) {
        if (!cond) {
            throw new AssertionError("check failed: " + what);
        }
    }

    public static void main(String[] args) {
        try (EdgeClient c = new EdgeClient(args[0])) {
            Map<String, Object> echoed = c.echo("c", 1, 2.5, "t");
            check(echoed.equals(Map.of("class", "c", "from", 1L, "base", 2.5, "type", "t", "default", "dflt \"\"\" */ \u2713")),
                    "echo: " + echoed);
            check("mine".equals(c.echo("c", 1, 2.5, "t", "mine").get("default")), "echo with default given");
            check(c.delete(41) == 42, "delete(41)");
            check("closed".equals(c.close_()), "close_()");
            check(c.kind(EdgeClient.Kind.None) == EdgeClient.Kind.None && EdgeClient.Kind.class_.toWire().equals("class"), "kind");
            check(TEXT.equals(c.text()), "text() arrives intact: " + c.text());
            EdgeClient.Record rec = c.ns.record(new EdgeClient.Record("x", 2, EdgeClient.Kind.Self, null, null));
            check("x".equals(rec.class_()) && rec.self() == EdgeClient.Kind.Self && "t */ \"\"\" \u2713".equals(rec.type()),
                    "ns.record: " + rec);
            System.out.println("java edge client: ok");
        } catch (Throwable e) {
            e.printStackTrace(System.out);
            System.out.println("java edge client: FAILED: " + e);
            System.exit(1);
        }
        System.exit(0);
    }
}
