using System.Collections.Concurrent;

namespace Paydesk.Emulators;

/// <summary>
/// What goes wrong with an account's next notification: sent twice, overtaken by the one after it
/// (held back half a second), or never sent — what a provider's delivery does now and then.
/// </summary>
public enum NotificationFault { Duplicate, OutOfOrder, Drop }

/// <summary>Each account's notification faults in waiting, in the order they were asked for.</summary>
public sealed class NotificationFaultQueue
{
    /// <summary>How long an out-of-order notification is held back: long enough for the next one to arrive first.</summary>
    public static readonly TimeSpan Overtaken = TimeSpan.FromMilliseconds(500);

    private readonly ConcurrentDictionary<string, ConcurrentQueue<NotificationFault>> _faults = new();

    public void Inject(string account, NotificationFault fault, int times = 1)
    {
        var queue = _faults.GetOrAdd(account, _ => new());
        for (var i = 0; i < times; i++) queue.Enqueue(fault);
    }

    /// <summary>The fault the account's next notification meets, if it is one of <paramref name="kinds"/> (taken off the queue); else null.</summary>
    public NotificationFault? Next(string account, params NotificationFault[] kinds) =>
        _faults.TryGetValue(account, out var queue) && queue.TryPeek(out var fault) && kinds.Contains(fault) && queue.TryDequeue(out _) ? fault : null;

    /// <summary>How many copies of the account's next notification to send, and after what delay: the fault it meets, if any, decides.</summary>
    public (int Copies, TimeSpan Delay) Delivery(string account) => Next(account, NotificationFault.Duplicate, NotificationFault.Drop, NotificationFault.OutOfOrder) switch
    {
        NotificationFault.Duplicate => (2, TimeSpan.Zero),
        NotificationFault.Drop => (0, TimeSpan.Zero),
        NotificationFault.OutOfOrder => (1, Overtaken),
        _ => (1, TimeSpan.Zero),
    };
}
