using System.Diagnostics.CodeAnalysis;
using static Paydesk.Core.PaymentStatus;

namespace Paydesk.Core;

/// <summary>The allowed changes of a <see cref="PaymentStatus"/>, so that no notification, retry or reconciler run
/// ever moves a payment backwards.</summary>
/// <remarks>
/// Statuses only move forward: a payment may jump straight from <see cref="Created"/> to any outcome because a
/// provider may report the outcome before (or instead of) the "pending" notification, and an
/// <see cref="Unknown"/> payment is settled by the reconciler. Once an outcome is known it never changes; only
/// refunds may follow <see cref="Succeeded"/>.
/// </remarks>
public static class PaymentStates
{
    private static readonly StateMachine<PaymentStatus> Machine = new(
        (Created, [Pending, Unknown, Succeeded, Failed, Canceled, Expired]),
        (Pending, [Unknown, Succeeded, Failed, Canceled, Expired]),
        (Unknown, [Succeeded, Failed, Canceled, Expired]),
        (Succeeded, [PartiallyRefunded, Refunded]),
        (PartiallyRefunded, [PartiallyRefunded, Refunded]));

    /// <summary>Whether <paramref name="from"/> may become <paramref name="to"/>. A status never moves to itself,
    /// except <see cref="PartiallyRefunded"/> for a further partial refund.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value that is not a defined status.</exception>
    public static bool CanMove(PaymentStatus from, PaymentStatus to) => Machine.CanMove(from, to);

    /// <summary>Nothing leaves <see cref="Failed"/>, <see cref="Canceled"/>, <see cref="Expired"/> or
    /// <see cref="Refunded"/>.</summary>
    /// <remarks><see cref="Succeeded"/> is not final: its outcome is (see <see cref="IsSettled"/>), but a refund may
    /// still follow.</remarks>
    public static bool IsFinal(PaymentStatus status) => Machine.IsFinal(status);

    /// <summary>Whether the outcome is known: anything but <see cref="Created"/>, <see cref="Pending"/> and
    /// <see cref="Unknown"/>. A settled payment stays settled.</summary>
    public static bool IsSettled(PaymentStatus status) => status switch
    {
        Created or Pending or Unknown => false,
        Succeeded or Failed or Canceled or Expired or PartiallyRefunded or Refunded => true,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown PaymentStatus."),
    };

    /// <summary>What to do with a status a notification or the reconciler proposes.</summary>
    /// <remarks>A <see cref="PartiallyRefunded"/> proposal on a partially refunded payment is
    /// <see cref="TransitionDecision.Apply"/>: the status cannot tell a second partial refund from a repeated
    /// notification of the first, so deduplicate refunds by their provider id before asking.</remarks>
    public static TransitionResult Decide(PaymentStatus current, PaymentStatus proposed) =>
        Machine.Decide(current, proposed);

    /// <summary>The API spelling: <c>created</c>, <c>pending</c>, <c>unknown</c>, <c>succeeded</c>,
    /// <c>failed</c>, <c>canceled</c>, <c>expired</c>, <c>partially_refunded</c>, <c>refunded</c>.</summary>
    public static string ToApi(this PaymentStatus status) => Machine.ToApi(status);

    /// <summary>Reads an API spelling (see <see cref="ToApi"/>); any other casing, a member name or a number fails.</summary>
    public static bool TryParseApi([NotNullWhen(true)] string? value, out PaymentStatus status) =>
        Machine.TryParseApi(value, out status);
}
