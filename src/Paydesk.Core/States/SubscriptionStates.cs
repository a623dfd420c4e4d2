using System.Diagnostics.CodeAnalysis;
using static Paydesk.Core.SubscriptionStatus;

namespace Paydesk.Core;

/// <summary>The allowed changes of a <see cref="SubscriptionStatus"/>.</summary>
/// <remarks>Unlike payments, a subscription goes back and forth between <see cref="Active"/> and
/// <see cref="PastDue"/> or <see cref="Paused"/>, but never back to <see cref="Incomplete"/> or
/// <see cref="Trialing"/>, and any status may end in <see cref="Canceled"/>, which is final: a customer who comes
/// back gets a new subscription.</remarks>
public static class SubscriptionStates
{
    private static readonly StateMachine<SubscriptionStatus> Machine = new(
        (Incomplete, [Trialing, Active, Canceled]),
        (Trialing, [Active, PastDue, Canceled]),
        (Active, [PastDue, Paused, Canceled]),
        (PastDue, [Active, Canceled]),
        (Paused, [Active, Canceled]));

    /// <summary>Whether <paramref name="from"/> may become <paramref name="to"/>; a status never moves to itself.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value that is not a defined status.</exception>
    public static bool CanMove(SubscriptionStatus from, SubscriptionStatus to) => Machine.CanMove(from, to);

    /// <summary>Only <see cref="Canceled"/> is final.</summary>
    public static bool IsFinal(SubscriptionStatus status) => Machine.IsFinal(status);

    /// <summary>What to do with a proposed status, e.g. from a renewal attempt or an operator command.</summary>
    public static TransitionResult Decide(SubscriptionStatus current, SubscriptionStatus proposed) =>
        Machine.Decide(current, proposed);

    /// <summary>The API spelling: <c>incomplete</c>, <c>trialing</c>, <c>active</c>, <c>past_due</c>,
    /// <c>paused</c>, <c>canceled</c>.</summary>
    public static string ToApi(this SubscriptionStatus status) => Machine.ToApi(status);

    /// <summary>Reads an API spelling (see <see cref="ToApi"/>); any other casing, a member name or a number fails.</summary>
    public static bool TryParseApi([NotNullWhen(true)] string? value, out SubscriptionStatus status) =>
        Machine.TryParseApi(value, out status);
}
