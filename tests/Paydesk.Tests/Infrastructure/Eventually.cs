namespace Paydesk.Tests.Infrastructure;

/// <summary>
/// Waits for what happens on its own time (a notification, a background job) by reading again,
/// up to ten seconds. It never asserts on how long that took.
/// </summary>
public static class Eventually
{
    private const int Attempts = 200;
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(50);

    public static async Task<T> ReadsAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what)
    {
        for (var attempt = 0; ; attempt++)
        {
            var value = await read();
            if (done(value)) return value;
            if (attempt == Attempts) throw new Xunit.Sdk.XunitException($"Waited for {what}; last seen: {value}");
            await Task.Delay(Pause);
        }
    }

    public static async Task HoldsAsync(Func<Task<bool>> condition, string what = "the condition")
    {
        for (var attempt = 0; !await condition(); attempt++)
        {
            if (attempt == Attempts) throw new Xunit.Sdk.XunitException($"Waited for {what}; it never held.");
            await Task.Delay(Pause);
        }
    }
}
