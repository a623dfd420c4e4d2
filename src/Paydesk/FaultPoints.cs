using System.Globalization;

namespace Paydesk;

/// <summary>
/// Named places where a test makes the process fail, to prove that a crash there loses nothing.
/// Inert unless armed. A test that hosts Paydesk in its own process arms a point to throw
/// (<see cref="Arm"/>). A test that runs Paydesk as a process of its own arms points to hold, with
/// <c>Testing:HoldAt</c>: the process stops there, holding whatever it holds (a job's claim, an
/// open transaction), until it ends, so the test can kill it at that very place.
/// </summary>
/// <remarks>
/// Every layer reaches these points (the job runner, payments, orders), so they live below all of
/// them. Holds are read from configuration only in the <c>Testing</c> environment; a process in
/// any other environment with <c>Testing:HoldAt</c> set refuses to start, so no hold is reachable in
/// Production, and an unarmed point costs one uncontended lock.
/// </remarks>
public sealed class FaultPoints
{
    public const string HoldSetting = "Testing:HoldAt";
    public const string TestingEnvironment = "Testing";

    /// <summary>The provider opened the checkout; its answer is lost before Paydesk records it.</summary>
    public const string AfterProviderCheckout = "after-provider-checkout";
    /// <summary>Inside fulfilment, with the order locked, before anything is granted.</summary>
    public const string Fulfilment = "fulfilment";
    /// <summary>An order was written, and the request fails before it answers.</summary>
    public const string AfterOrderPlaced = "after-order-placed";
    /// <summary>The provider made the refund; its answer is lost before Paydesk records it.</summary>
    public const string AfterProviderRefund = "after-provider-refund";
    /// <summary>The provider charged a kept payment method (a renewal, an upgrade); its answer is lost before Paydesk records it.</summary>
    public const string AfterProviderCharge = "after-provider-charge";
    /// <summary>The Mock provider made a refund and is about to notify Paydesk of it.</summary>
    public const string MockRefundNotification = "mock-refund-notification";

    private const string JobPrefix = "job:";
    private static readonly string[] Named = [AfterProviderCheckout, Fulfilment, AfterOrderPlaced, AfterProviderRefund, AfterProviderCharge, MockRefundNotification];

    private readonly Lock _lock = new();
    private readonly Dictionary<string, int> _armed = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _holds;
    private readonly CancellationToken _processEnds;
    private readonly ILogger<FaultPoints> _log;

    internal FaultPoints(Dictionary<string, int> holds, CancellationToken processEnds, ILogger<FaultPoints> log) =>
        (_holds, _processEnds, _log) = (holds, processEnds, log);

    /// <summary>A worker claimed a job of <paramref name="kind"/> and is about to run its handler.</summary>
    public static string JobClaimed(string kind) => JobPrefix + kind;

    /// <summary>Makes the next <paramref name="times"/> hits of <paramref name="point"/> throw an <see cref="InjectedFaultException"/>.</summary>
    public void Arm(string point, int times = 1)
    {
        lock (_lock) _armed[point] = times;
    }

    /// <summary>
    /// Passes, unless the point is armed: then it throws, or holds until the process ends. A hold
    /// stands for a process stopped dead at this place, so no caller's cancellation ends it (a job
    /// whose lease ran out would otherwise fail and move on); only the host stopping does.
    /// </summary>
    public ValueTask HitAsync(string point)
    {
        bool fail, hold;
        lock (_lock)
        {
            if (_armed.Count == 0 && _holds.Count == 0) return ValueTask.CompletedTask;
            fail = Take(_armed, point);
            hold = !fail && Take(_holds, point);
        }
        if (fail) throw new InjectedFaultException(point);
        return hold ? HoldAsync(point) : ValueTask.CompletedTask;
    }

    private async ValueTask HoldAsync(string point)
    {
        _log.LogWarning("Holding at {FaultPoint} until the process ends ({Setting})", point, HoldSetting);
        await Task.Delay(Timeout.InfiniteTimeSpan, _processEnds);
    }

    private static bool Take(Dictionary<string, int> points, string point)
    {
        if (!points.TryGetValue(point, out var left) || left <= 0) return false;
        if (left != int.MaxValue) points[point] = left - 1;
        return true;
    }

    /// <summary>
    /// Reads <c>Testing:HoldAt</c>: points separated by commas, each held at every hit, or at its
    /// first N hits when followed by <c>*N</c> (<c>job:fulfil-order,job:execute-refund*1</c>).
    /// </summary>
    internal static Dictionary<string, int> ReadHolds(string? setting, IHostEnvironment environment)
    {
        var holds = new Dictionary<string, int>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(setting)) return holds;
        if (!environment.IsEnvironment(TestingEnvironment))
            throw new InvalidOperationException(
                $"{HoldSetting} is set, but holds are for tests: they are read only in the {TestingEnvironment} environment, " +
                $"and this process runs as {environment.EnvironmentName}. Remove the setting.");
        foreach (var entry in setting.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = entry.Split('*', 2);
            var point = parts[0];
            var times = int.MaxValue;
            if (parts.Length == 2 && (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out times) || times < 1))
                throw new InvalidOperationException($"{HoldSetting}: '{entry}' must end in *N with N a whole number of hits, 1 or more.");
            if (!Named.Contains(point) && !(point.StartsWith(JobPrefix, StringComparison.Ordinal) && point.Length > JobPrefix.Length))
                throw new InvalidOperationException(
                    $"{HoldSetting}: '{point}' is not a fault point; use {string.Join(", ", Named)} or job:<kind>, each optionally followed by *N.");
            holds[point] = times;
        }
        return holds;
    }
}

public sealed class InjectedFaultException(string point) : Exception($"Injected fault at '{point}'.")
{
    public string Point { get; } = point;
}

public static class FaultPointRegistrations
{
    /// <summary>Inert points, or the holds <c>Testing:HoldAt</c> arms; refuses that setting outside the Testing environment.</summary>
    public static IServiceCollection AddFaultPoints(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        var holds = FaultPoints.ReadHolds(configuration[FaultPoints.HoldSetting], environment);
        return services.AddSingleton(sp => new FaultPoints(
            holds, sp.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping, sp.GetRequiredService<ILogger<FaultPoints>>()));
    }
}
