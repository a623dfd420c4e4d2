using System.Reflection;
using System.Reflection.Emit;
using Paydesk.Core;

namespace Paydesk.Tests;

/// <summary>
/// Dependencies point one way (docs/architecture.md): a module uses modules below it, never one
/// above it or beside it. Read from the compiled types — their signatures and the members their
/// method bodies touch — so a reference hidden in a lambda or an async method counts too.
/// </summary>
public sealed class LayeringTests
{
    /// <summary>
    /// The modules from the bottom up, as docs/architecture.md draws them. Modules on one level
    /// may not use each other, except on the foundation level, whose parts are one whole.
    /// </summary>
    private static readonly string[][] Levels =
    [
        ["FaultPoints"],
        ["Storage", "Api", "Tenancy", "Jobs"],
        ["Catalog", "Customers", "Notifications"],
        ["Payments"],
        ["Invoices"],
        ["Entitlements"],
        ["Subscriptions"],
        ["Orders"],
        ["Web"],
        ["Demo", "Health"],
        ["Host"],
    ];

    private static readonly HashSet<string> OneWhole = ["Storage", "Api", "Tenancy", "Jobs"];

    /// <summary>
    /// The places that know every module by design, each with its reason. Nothing else may reach up.
    /// </summary>
    private static readonly Dictionary<string, string> Composition = new()
    {
        ["Paydesk.Storage.PaydeskDb"] = "the one database context: a table set for every module's entities",
        ["Paydesk.Storage.SqlitePaydeskDb"] = "the engine's context, which the migrations are made for",
        ["Paydesk.Storage.PostgresPaydeskDb"] = "the engine's context, which the migrations are made for",
        ["Paydesk.Storage.Installation"] = "the one narrow path for the questions that cross tenants (a key's, an account's, a payment's tenant)",
    };

    private static readonly Assembly App = typeof(Paydesk.Storage.PaydeskDb).Assembly;

    /// <summary>The module of a Paydesk type: the namespace part after <c>Paydesk.</c>; the types at the root by name.</summary>
    private static string? ModuleOf(Type type)
    {
        while (type.DeclaringType is { } outer) type = outer;
        if (type.Assembly != App || type.Namespace is null) return null;
        // At the root: the host that composes every module, and the fault points beneath them all.
        if (type.Namespace == "Paydesk") return type.Name == "PaydeskApp" ? "Host" : "FaultPoints";
        // Code the build generates (the OpenAPI document's XML comments) is in the framework's namespaces.
        if (!type.Namespace.StartsWith("Paydesk.", StringComparison.Ordinal)) return null;
        return type.Namespace["Paydesk.".Length..].Split('.')[0];
    }

    private static int LevelOf(string module)
    {
        for (var i = 0; i < Levels.Length; i++)
            if (Levels[i].Contains(module)) return i;
        throw new InvalidOperationException($"Module {module} is not placed in the layering; add it to docs/architecture.md and to {nameof(Levels)}.");
    }

    private static string OwnerOf(Type type)
    {
        while (type.DeclaringType is { } outer) type = outer;
        return type.FullName!;
    }

    [Fact]
    public void No_module_uses_one_above_it_or_beside_it()
    {
        var broken = new SortedSet<string>();
        foreach (var type in App.GetTypes())
        {
            if (ModuleOf(type) is not { } from || Composition.ContainsKey(OwnerOf(type)) || type.Namespace!.StartsWith("Paydesk.Storage.Migrations", StringComparison.Ordinal))
                continue;
            foreach (var used in TypeReferences.Of(type))
            {
                if (ModuleOf(used) is not { } to || to == from) continue;
                var (fromLevel, toLevel) = (LevelOf(from), LevelOf(to));
                if (toLevel > fromLevel || (toLevel == fromLevel && !(OneWhole.Contains(from) && OneWhole.Contains(to))))
                    broken.Add($"{from} → {to}: {OwnerOf(type)} uses {used.FullName ?? used.Name}");
            }
        }
        Assert.True(broken.Count == 0, $"{broken.Count} references against the layering:\n{string.Join("\n", broken)}");
    }

    [Fact]
    public void Payments_knows_nothing_of_what_is_paid_for_and_the_outbox_nothing_above_storage()
    {
        var payments = ModuleReferences("Payments");
        Assert.DoesNotContain("Orders", payments);
        Assert.DoesNotContain("Entitlements", payments);
        Assert.DoesNotContain("Invoices", payments);
        var outbox = App.GetTypes().Where(t => t.Namespace is "Paydesk.Notifications.Outbox" or "Paydesk.Notifications.Email")
            .SelectMany(TypeReferences.Of).Select(ModuleOf).OfType<string>().Where(m => m != "Notifications").ToHashSet();
        Assert.Subset(new HashSet<string> { "FaultPoints", "Storage", "Api", "Tenancy", "Jobs" }, outbox);
    }

    [Fact]
    public void Money_uses_nothing_but_itself_and_the_runtime()
    {
        Type[] money = [typeof(Money), typeof(Currency), typeof(CurrencyMismatchException)];
        var used = money.SelectMany(TypeReferences.WithNested).SelectMany(TypeReferences.Of)
            .Where(t => t.Assembly != typeof(object).Assembly && !t.Assembly.GetName().Name!.StartsWith("System", StringComparison.Ordinal))
            // The hit counters coverage measurement writes into every method when test.sh runs.
            .Where(t => t.Namespace?.StartsWith("Coverlet.", StringComparison.Ordinal) != true)
            .Select(OwnerOf).ToHashSet();
        Assert.Subset(money.Select(t => t.FullName!).ToHashSet(), used);
    }

    /// <summary>The checker itself: it sees a reference made only inside an async method's body.</summary>
    [Fact]
    public void The_reader_finds_references_in_method_bodies_lambdas_and_async_methods()
    {
        var fulfil = App.GetTypes().Where(t => OwnerOf(t) == "Paydesk.Orders.FulfilOrder").SelectMany(TypeReferences.Of).ToHashSet();
        // Used only inside FulfilAsync's body (an async state machine): the zone lookup.
        Assert.Contains(typeof(Zones), fulfil);
        Assert.Contains(ModuleOf(typeof(Paydesk.Entitlements.GrantEntitlements)), fulfil.Select(ModuleOf));
        var purpose = App.GetTypes().Where(t => OwnerOf(t) == "Paydesk.Orders.OrderPurpose").SelectMany(TypeReferences.Of).ToHashSet();
        Assert.Contains(typeof(Paydesk.Invoices.InvoiceLine), purpose); // built in a lambda
    }

    private static HashSet<string> ModuleReferences(string module) =>
        App.GetTypes().Where(t => ModuleOf(t) == module).SelectMany(TypeReferences.Of).Select(ModuleOf).OfType<string>().ToHashSet();
}

/// <summary>The types a type uses: in its signatures, and in what its method bodies call, read, create and cast to.</summary>
internal static class TypeReferences
{
    private const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (OpCode)f.GetValue(null)!).ToDictionary(o => o.Value);

    /// <summary>The type and the types declared in it (closures, state machines), all the way down.</summary>
    public static IEnumerable<Type> WithNested(Type type) => type.GetNestedTypes(All).SelectMany(WithNested).Prepend(type);

    public static IEnumerable<Type> Of(Type type)
    {
        var found = new HashSet<Type>();
        void Add(Type? t)
        {
            if (t is null) return;
            if (t.HasElementType) { Add(t.GetElementType()); return; }
            if (!found.Add(t)) return;
            if (t.IsGenericType && !t.IsGenericTypeDefinition)
            {
                found.Add(t.GetGenericTypeDefinition());
                foreach (var arg in t.GetGenericArguments()) Add(arg);
            }
        }

        Add(type.BaseType);
        foreach (var i in type.GetInterfaces()) Add(i);
        foreach (var f in type.GetFields(All)) Add(f.FieldType);
        foreach (var p in type.GetProperties(All)) Add(p.PropertyType);
        foreach (var method in type.GetMethods(All).Cast<MethodBase>().Concat(type.GetConstructors(All)))
        {
            if (method is MethodInfo m) Add(m.ReturnType);
            foreach (var p in method.GetParameters()) Add(p.ParameterType);
            foreach (var used in InBody(method)) Add(used);
        }
        return found;
    }

    private static IEnumerable<Type> InBody(MethodBase method)
    {
        byte[]? il;
        try
        {
            il = method.GetMethodBody()?.GetILAsByteArray();
        }
        catch (Exception e) when (e is InvalidOperationException or BadImageFormatException)
        {
            yield break;
        }
        if (il is null) yield break;
        var typeArgs = method.DeclaringType is { IsGenericType: true } d ? d.GetGenericArguments() : null;
        var methodArgs = method is MethodInfo { IsGenericMethod: true } g ? g.GetGenericArguments() : null;
        var at = 0;
        while (at < il.Length)
        {
            short value = il[at++];
            if (value == 0xFE) value = unchecked((short)(0xFE00 | il[at++]));
            if (!OpCodesByValue.TryGetValue(value, out var op)) yield break;
            switch (op.OperandType)
            {
                case OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineTok or OperandType.InlineType:
                    var token = BitConverter.ToInt32(il, at);
                    at += 4;
                    MemberInfo? member;
                    try
                    {
                        member = method.Module.ResolveMember(token, typeArgs, methodArgs);
                    }
                    catch (Exception e) when (e is ArgumentException or BadImageFormatException or TypeLoadException)
                    {
                        continue;
                    }
                    switch (member)
                    {
                        case Type t:
                            yield return t;
                            break;
                        case MethodInfo called:
                            if (called.DeclaringType is { } owner) yield return owner;
                            yield return called.ReturnType;
                            if (called.IsGenericMethod) foreach (var arg in called.GetGenericArguments()) yield return arg;
                            break;
                        case { DeclaringType: { } declaring }:
                            yield return declaring;
                            if (member is FieldInfo field) yield return field.FieldType;
                            break;
                    }
                    break;
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                    at += 1;
                    break;
                case OperandType.InlineVar:
                    at += 2;
                    break;
                case OperandType.InlineI8 or OperandType.InlineR:
                    at += 8;
                    break;
                case OperandType.InlineSwitch:
                    var count = BitConverter.ToInt32(il, at);
                    at += 4 + 4 * count;
                    break;
                default:
                    at += 4;
                    break;
            }
        }
    }
}
