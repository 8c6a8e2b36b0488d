// The C# programs, compiled into one executable with every generated client (one mcs pass).
//
// Usage: mono programs.exe demo|edge|reconnect URL

using System;
using System.Linq;

public static class Program
{
    public static int Main(string[] args)
    {
        var rest = args.Skip(1).ToArray();
        switch (args.Length > 0 ? args[0] : "")
        {
            case "demo": return Demo.Main(rest);
            case "edge": return Edge.Main(rest);
            case "reconnect": return Reconnect.Main(rest);
            default:
                Console.WriteLine("usage: programs.exe demo|edge|reconnect URL");
                return 2;
        }
    }
}
