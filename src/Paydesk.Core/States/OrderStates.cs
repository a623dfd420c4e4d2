using System.Diagnostics.CodeAnalysis;
using static Paydesk.Core.OrderStatus;

namespace Paydesk.Core;

/// <summary>The allowed changes of an <see cref="OrderStatus"/>, so that an order never moves backwards, e.g. back
/// to awaiting payment after it was paid.</summary>
/// <remarks>Only an unpaid order can be canceled or expire; a paid one is undone by refunding it, whether or not it
/// was fulfilled.</remarks>
public static class OrderStates
{
    private static readonly StateMachine<OrderStatus> Machine = new(
        (AwaitingPayment, [Paid, Canceled, Expired]),
        (Paid, [Fulfilled, PartiallyRefunded, Refunded]),
        (Fulfilled, [PartiallyRefunded, Refunded]),
        (PartiallyRefunded, [PartiallyRefunded, Refunded]));

    /// <summary>Whether <paramref name="from"/> may become <paramref name="to"/>. A status never moves to itself,
    /// except <see cref="PartiallyRefunded"/> for a further partial refund.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value that is not a defined status.</exception>
    public static bool CanMove(OrderStatus from, OrderStatus to) => Machine.CanMove(from, to);

    /// <summary>Nothing leaves <see cref="Canceled"/>, <see cref="Expired"/> or <see cref="Refunded"/>.</summary>
    public static bool IsFinal(OrderStatus status) => Machine.IsFinal(status);

    /// <summary>What to do with a proposed status, e.g. one that follows from a payment's notification.</summary>
    /// <remarks>As for payments, a further <see cref="PartiallyRefunded"/> is <see cref="TransitionDecision.Apply"/>:
    /// deduplicate refunds by their id before asking.</remarks>
    public static TransitionResult Decide(OrderStatus current, OrderStatus proposed) => Machine.Decide(current, proposed);

    /// <summary>The API spelling: <c>awaiting_payment</c>, <c>paid</c>, <c>fulfilled</c>, <c>canceled</c>,
    /// <c>expired</c>, <c>partially_refunded</c>, <c>refunded</c>.</summary>
    public static string ToApi(this OrderStatus status) => Machine.ToApi(status);

    /// <summary>Reads an API spelling (see <see cref="ToApi"/>); any other casing, a member name or a number fails.</summary>
    public static bool TryParseApi([NotNullWhen(true)] string? value, out OrderStatus status) =>
        Machine.TryParseApi(value, out status);
}
