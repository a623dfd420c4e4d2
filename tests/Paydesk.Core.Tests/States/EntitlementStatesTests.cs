using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using static Paydesk.Core.EntitlementStatus;

namespace Paydesk.Core.Tests;

public class EntitlementStatesTests
{
    // Written out from the specification, independently of the table in EntitlementStates.
    private static readonly (EntitlementStatus From, EntitlementStatus To)[] Allowed =
    [
        (Active, Expired), (Active, Revoked), (Active, Consumed),
        (Consumed, Revoked),
        (Expired, Revoked),
    ];

    public static TheoryData<EntitlementStatus, EntitlementStatus> AllowedMoves => StatesGen.TheoryData(Allowed);

    public static TheoryData<EntitlementStatus, EntitlementStatus> RefusedMoves =>
        StatesGen.TheoryData(StatesGen.AllPairs<EntitlementStatus>().Where(p => p.From != p.To).Except(Allowed));

    private static readonly Arbitrary<(EntitlementStatus Start, EntitlementStatus[] Proposals)> Walks =
        StatesGen.Walk<EntitlementStatus>();

    [Theory]
    [MemberData(nameof(AllowedMoves))]
    public void Allowed_moves_are_applied(EntitlementStatus from, EntitlementStatus to)
    {
        Assert.True(EntitlementStates.CanMove(from, to));
        Assert.Equal(TransitionDecision.Apply, EntitlementStates.Decide(from, to).Decision);
    }

    [Theory]
    [MemberData(nameof(RefusedMoves))]
    public void Every_other_move_is_refused(EntitlementStatus from, EntitlementStatus to)
    {
        Assert.False(EntitlementStates.CanMove(from, to));
        Assert.Equal(TransitionDecision.Refused, EntitlementStates.Decide(from, to).Decision);
    }

    [Theory]
    [InlineData(Expired, Active, "expired may only move to revoked; active would move it backwards")]
    [InlineData(Consumed, Expired, "consumed may only move to revoked; expired would move it sideways")]
    [InlineData(Revoked, Active, "revoked is final; active would move it backwards")]
    public void Refusals_say_why(EntitlementStatus current, EntitlementStatus proposed, string reason) =>
        Assert.Equal(new TransitionResult(TransitionDecision.Refused, reason), EntitlementStates.Decide(current, proposed));

    [Fact]
    public void Only_revoked_is_final() =>
        Assert.All(Enum.GetValues<EntitlementStatus>(), status => Assert.Equal(status == Revoked, EntitlementStates.IsFinal(status)));

    [Fact]
    public void Extending_an_active_entitlement_is_not_a_move() =>
        Assert.Equal(
            new TransitionResult(TransitionDecision.AlreadyThere, "already active; nothing to do"),
            EntitlementStates.Decide(Active, Active));

    [Fact]
    public void Decide_on_the_same_status_is_always_already_there() =>
        Assert.All(Enum.GetValues<EntitlementStatus>(), status =>
            Assert.Equal(TransitionDecision.AlreadyThere, EntitlementStates.Decide(status, status).Decision));

    [Property(MaxTest = 500)]
    public Property Once_inactive_never_active_again_and_revoked_is_never_left() =>
        Prop.ForAll(Walks, walk =>
        {
            var path = StatesGen.Path(walk.Start, walk.Proposals, EntitlementStates.Decide);
            var inactive = path.FindIndex(status => status != Active);
            if (inactive >= 0)
                Assert.DoesNotContain(Active, path[inactive..]);
            var revoked = path.IndexOf(Revoked);
            if (revoked >= 0)
                Assert.All(path[revoked..], status => Assert.Equal(Revoked, status));
        });

    [Theory]
    [InlineData(Active, "active")]
    [InlineData(Expired, "expired")]
    [InlineData(Revoked, "revoked")]
    [InlineData(Consumed, "consumed")]
    public void Api_names_round_trip(EntitlementStatus status, string api)
    {
        Assert.Equal(api, status.ToApi());
        Assert.True(EntitlementStates.TryParseApi(api, out var parsed));
        Assert.Equal(status, parsed);
    }

    [Theory]
    [InlineData("Active")]
    [InlineData("used")]
    [InlineData("3")]
    [InlineData("")]
    [InlineData(null)]
    public void Unknown_api_names_are_rejected(string? api) =>
        Assert.False(EntitlementStates.TryParseApi(api, out _));
}
