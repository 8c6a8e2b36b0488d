// The generated C# client of the `edge` service (tests/codegen/edge.json): params named class,
// from, base, type and default (@class, @base, @default), a method Delete, a method close beside
// the client's own Close() (Close_), a method kind beside the type Kind (Kind_), enum members and
// properties named like keywords, and text that must survive. Compiled with EdgeClient.cs by
// mcs -warnaserror.
//
// Usage: mono programs.exe edge URL

using System;
using System.Collections.Generic;

public static class Edge
{
    const string Text = "quotes \" ' */ \"\"\" ?> </script> \u00fcn\u00efc\u00f6d\u00e9 \u65e5\u672c\u8a9e \ud83c\udf89 \\ end";

    static void Check(bool cond, string what)
    {
        if (!cond) throw new Exception("check failed: " + what);
    }

    public static int Main(string[] args)
    {
        try
        {
            using (var c = new EdgeClient(args[0]))
            {
                var echoed = c.Echo("c", 1, 2.5, "t");
                Check((string)echoed["class"] == "c" && (long)echoed["from"] == 1 && (double)echoed["base"] == 2.5
                    && (string)echoed["type"] == "t" && (string)echoed["default"] == "dflt \"\"\" */ \u2713", "Echo");
                Check((string)c.Echo(@class: "c", from: 1, @base: 2.5, type: "t", @default: "mine")["default"] == "mine", "Echo with default given");
                Check(c.Delete(41) == 42, "Delete(41)");
                Check(c.Close_() == "closed", "Close_()");
                Check(c.Kind_(EdgeClient.Kind.None) == EdgeClient.Kind.None && EdgeClient.EnumNames[typeof(EdgeClient.Kind)][(int)EdgeClient.Kind.@class] == "class", "Kind_");
                Check(c.Text() == Text, "Text() arrives intact");
                var rec = c.Ns.Record(new EdgeClient.Record { Class = "x", From = 2, Self = EdgeClient.Kind.Self });
                Check(rec.Class == "x" && rec.Self == EdgeClient.Kind.Self && rec.Type_ == "t */ \"\"\" \u2713", "Ns.Record");
            }
            Console.WriteLine("csharp edge client: ok");
            return 0;
        }
        catch (Exception e)
        {
            Console.WriteLine(e);
            Console.WriteLine("csharp edge client: FAILED: " + e.Message);
            return 1;
        }
    }
}
