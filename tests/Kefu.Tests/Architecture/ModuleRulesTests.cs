using System.Reflection;

namespace Kefu.Tests.Architecture;

/// <summary>DESIGN.md's rules of the house: Platform depends on no module; modules use Platform and the public
/// types of Tickets only; module tables carry their module's prefix.</summary>
public sealed class ModuleRulesTests
{
    private static readonly Assembly Kefu = typeof(Program).Assembly;
    private static readonly string[] Modules = ["Tickets", "Chat", "Email", "Forms", "WeChat", "Api", "Routing", "Sla", "Knowledge", "Quality", "Analytics", "Workforce"];

    /// <summary>Kefu namespaces each namespace's types refer to: base types, interfaces, fields, properties,
    /// constructor and method signatures, and locals (which also catch most calls made inside method bodies).</summary>
    private static Dictionary<string, HashSet<string>> ReferencesByNamespace()
    {
        var result = new Dictionary<string, HashSet<string>>();
        foreach (var type in Kefu.GetTypes())
        {
            var ns = type.Namespace ?? "";
            if (!result.TryGetValue(ns, out var set)) result[ns] = set = [];
            foreach (var t in Touched(type)) if (t.Namespace is { } n && n.StartsWith("Kefu", StringComparison.Ordinal)) set.Add(n);
        }
        return result;
    }

    private static IEnumerable<Type> Touched(Type type)
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        if (type.BaseType is { } b) yield return b;
        foreach (var i in type.GetInterfaces()) { yield return i; foreach (var g in i.GetGenericArguments()) yield return g; }
        foreach (var f in type.GetFields(all)) yield return f.FieldType;
        foreach (var p in type.GetProperties(all)) yield return p.PropertyType;
        foreach (var c in type.GetConstructors(all)) foreach (var p in c.GetParameters()) yield return p.ParameterType;
        foreach (var m in type.GetMethods(all))
        {
            yield return m.ReturnType;
            foreach (var p in m.GetParameters()) yield return p.ParameterType;
            var body = m.GetMethodBody();
            if (body is null) continue;
            foreach (var l in body.LocalVariables) yield return l.LocalType;
        }
    }

    [Fact]
    public void Platform_depends_on_no_module()
    {
        var refs = ReferencesByNamespace();
        foreach (var (ns, targets) in refs.Where(kv => kv.Key.StartsWith("Kefu.Platform", StringComparison.Ordinal)))
            foreach (var module in Modules)
                Assert.False(targets.Any(t => t == $"Kefu.{module}" || t.StartsWith($"Kefu.{module}.", StringComparison.Ordinal)),
                    $"{ns} must not depend on Kefu.{module}");
    }

    [Fact]
    public void Modules_use_only_platform_and_tickets()
    {
        var refs = ReferencesByNamespace();
        foreach (var module in Modules.Where(m => m != "Tickets"))
            foreach (var (ns, targets) in refs.Where(kv => kv.Key == $"Kefu.{module}" || kv.Key.StartsWith($"Kefu.{module}.", StringComparison.Ordinal)))
                foreach (var other in Modules.Where(o => o != module && o != "Tickets"))
                    Assert.False(targets.Any(t => t == $"Kefu.{other}" || t.StartsWith($"Kefu.{other}.", StringComparison.Ordinal)),
                        $"{ns} must not depend on Kefu.{other}; use events or a public service of Tickets/Platform");
    }

    [Fact]
    public void Tables_carry_their_module_prefix()
    {
        using var db = new Kefu.Platform.Database.SqliteDesignFactory().CreateDbContext([]);
        foreach (var entity in db.Model.GetEntityTypes())
        {
            var table = Microsoft.EntityFrameworkCore.RelationalEntityTypeExtensions.GetTableName(entity)!;
            var module = entity.ClrType.Namespace!.Split('.')[1].ToLowerInvariant();
            var prefix = module == "platform" ? "platform_" : module + "_";
            if (entity.ClrType.Namespace!.StartsWith("Microsoft.AspNetCore.Identity", StringComparison.Ordinal)) prefix = "platform_";
            Assert.True(table.StartsWith(prefix, StringComparison.Ordinal), $"{entity.ClrType.Name} → {table} should start with {prefix}");
        }
    }
}
