using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using static Paydesk.Core.SubscriptionStatus;

namespace Paydesk.Core.Tests;

public class SubscriptionStatesTests
{
    // Written out from the specification, independently of the table in SubscriptionStates.
    private static readonly (SubscriptionStatus From, SubscriptionStatus To)[] Allowed =
    [
        (Incomplete, Trialing), (Incomplete, Active),
        (Trialing, Active), (Trialing, PastDue),
        (Active, PastDue), (PastDue, Active),
        (Active, Paused), (Paused, Active),
        (Incomplete, Canceled), (Trialing, Canceled), (Active, Canceled), (PastDue, Canceled), (Paused, Canceled),
    ];

    public static TheoryData<SubscriptionStatus, SubscriptionStatus> AllowedMoves => StatesGen.TheoryData(Allowed);

    public static TheoryData<SubscriptionStatus, SubscriptionStatus> RefusedMoves =>
        StatesGen.TheoryData(StatesGen.AllPairs<SubscriptionStatus>().Where(p => p.From != p.To).Except(Allowed));

    private static readonly Arbitrary<(SubscriptionStatus Start, SubscriptionStatus[] Proposals)> Walks =
        StatesGen.Walk<SubscriptionStatus>();

    [Theory]
    [MemberData(nameof(AllowedMoves))]
    public void Allowed_moves_are_applied(SubscriptionStatus from, SubscriptionStatus to)
    {
        Assert.True(SubscriptionStates.CanMove(from, to));
        Assert.Equal(TransitionDecision.Apply, SubscriptionStates.Decide(from, to).Decision);
    }

    [Theory]
    [MemberData(nameof(RefusedMoves))]
    public void Every_other_move_is_refused(SubscriptionStatus from, SubscriptionStatus to)
    {
        Assert.False(SubscriptionStates.CanMove(from, to));
        Assert.Equal(TransitionDecision.Refused, SubscriptionStates.Decide(from, to).Decision);
    }

    [Theory]
    [InlineData(Active, Incomplete, "active may only move to past_due, paused or canceled; incomplete would move it backwards")]
    [InlineData(Active, Trialing, "active may only move to past_due, paused or canceled; trialing would move it backwards")]
    [InlineData(Paused, PastDue, "paused may only move to active or canceled; past_due would skip a step")]
    [InlineData(Canceled, Active, "canceled is final; active would move it backwards")]
    public void Refusals_say_why(SubscriptionStatus current, SubscriptionStatus proposed, string reason) =>
        Assert.Equal(new TransitionResult(TransitionDecision.Refused, reason), SubscriptionStates.Decide(current, proposed));

    [Fact]
    public void Only_canceled_is_final() =>
        Assert.All(Enum.GetValues<SubscriptionStatus>(), status => Assert.Equal(status == Canceled, SubscriptionStates.IsFinal(status)));

    [Fact]
    public void Decide_on_the_same_status_is_always_already_there() =>
        Assert.All(Enum.GetValues<SubscriptionStatus>(), status =>
            Assert.Equal(TransitionDecision.AlreadyThere, SubscriptionStates.Decide(status, status).Decision));

    [Property(MaxTest = 500)]
    public Property Canceled_is_never_left_and_started_never_becomes_incomplete_or_trialing_again() =>
        Prop.ForAll(Walks, walk =>
        {
            var path = StatesGen.Path(walk.Start, walk.Proposals, SubscriptionStates.Decide);
            var canceled = path.IndexOf(Canceled);
            if (canceled >= 0)
                Assert.All(path[canceled..], status => Assert.Equal(Canceled, status));
            var started = path.FindIndex(status => status is Active or PastDue or Paused);
            if (started >= 0)
                Assert.All(path[started..], status => Assert.DoesNotContain(status, new[] { Incomplete, Trialing }));
        });

    [Theory]
    [InlineData(Incomplete, "incomplete")]
    [InlineData(Trialing, "trialing")]
    [InlineData(Active, "active")]
    [InlineData(PastDue, "past_due")]
    [InlineData(Paused, "paused")]
    [InlineData(Canceled, "canceled")]
    public void Api_names_round_trip(SubscriptionStatus status, string api)
    {
        Assert.Equal(api, status.ToApi());
        Assert.True(SubscriptionStates.TryParseApi(api, out var parsed));
        Assert.Equal(status, parsed);
    }

    [Theory]
    [InlineData("PastDue")]
    [InlineData("past-due")]
    [InlineData("pastdue")]
    [InlineData("cancelled")]
    [InlineData("")]
    [InlineData(null)]
    public void Unknown_api_names_are_rejected(string? api) =>
        Assert.False(SubscriptionStates.TryParseApi(api, out _));
}
