namespace Paydesk.Tests.Infrastructure;

/// <summary>
/// Waits for what happens on its own time (a notification, a background job) by reading again,
/// up to ten seconds unless told otherwise (work that waits for a lease to run out). It never
/// asserts on how long that took.
/// </summary>
public static class Eventually
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(50);

    public static async Task<T> ReadsAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what, TimeSpan? within = null)
    {
        var attempts = Attempts(within);
        for (var attempt = 0; ; attempt++)
        {
            var value = await read();
            if (done(value)) return value;
            if (attempt == attempts) throw new Xunit.Sdk.XunitException($"Waited for {what}; last seen: {Describe(value)}");
            await Task.Delay(Pause);
        }
    }

    public static async Task HoldsAsync(Func<Task<bool>> condition, string what = "the condition", TimeSpan? within = null)
    {
        var attempts = Attempts(within);
        for (var attempt = 0; !await condition(); attempt++)
        {
            if (attempt == attempts) throw new Xunit.Sdk.XunitException($"Waited for {what}; it never held.");
            await Task.Delay(Pause);
        }
    }

    /// <summary>A list by its items (records say what they hold), anything else as it says itself.</summary>
    private static string? Describe<T>(T value) => value is System.Collections.IEnumerable items and not string
        ? "[" + string.Join(", ", items.Cast<object?>()) + "]"
        : value?.ToString();

    private static int Attempts(TimeSpan? within) => (int)((within ?? Limit) / Pause);
}
