using System.Diagnostics.CodeAnalysis;
using static Paydesk.Core.EntitlementStatus;

namespace Paydesk.Core;

/// <summary>The allowed changes of an <see cref="EntitlementStatus"/>.</summary>
/// <remarks>
/// An entitlement never becomes <see cref="Active"/> again: paying again grants a new one. Extending an active
/// entitlement changes its end, not its status. <see cref="Revoked"/> may still follow <see cref="Expired"/> or
/// <see cref="Consumed"/>, because a refund of a used-up or lapsed purchase must still be on record as revoking it.
/// </remarks>
public static class EntitlementStates
{
    private static readonly StateMachine<EntitlementStatus> Machine = new(
        (Active, [Expired, Revoked, Consumed]),
        (Expired, [Revoked]),
        (Consumed, [Revoked]));

    /// <summary>Whether <paramref name="from"/> may become <paramref name="to"/>; a status never moves to itself.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value that is not a defined status.</exception>
    public static bool CanMove(EntitlementStatus from, EntitlementStatus to) => Machine.CanMove(from, to);

    /// <summary>Only <see cref="Revoked"/> is final.</summary>
    public static bool IsFinal(EntitlementStatus status) => Machine.IsFinal(status);

    /// <summary>What to do with a proposed status, e.g. from the expiry sweep or a refund.</summary>
    public static TransitionResult Decide(EntitlementStatus current, EntitlementStatus proposed) =>
        Machine.Decide(current, proposed);

    /// <summary>The API spelling: <c>active</c>, <c>expired</c>, <c>revoked</c>, <c>consumed</c>.</summary>
    public static string ToApi(this EntitlementStatus status) => Machine.ToApi(status);

    /// <summary>Reads an API spelling (see <see cref="ToApi"/>); any other casing, a member name or a number fails.</summary>
    public static bool TryParseApi([NotNullWhen(true)] string? value, out EntitlementStatus status) =>
        Machine.TryParseApi(value, out status);
}
