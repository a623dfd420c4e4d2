using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using static Paydesk.Core.PaymentStatus;

namespace Paydesk.Core.Tests;

public class PaymentStatesProperties
{
    private static readonly Arbitrary<(PaymentStatus Start, PaymentStatus[] Proposals)> Walks =
        StatesGen.Walk<PaymentStatus>();

    private static List<PaymentStatus> Path((PaymentStatus Start, PaymentStatus[] Proposals) walk) =>
        StatesGen.Path(walk.Start, walk.Proposals, PaymentStates.Decide);

    private static int Rank(PaymentStatus status) => status switch
    {
        Created => 0,
        Pending => 1,
        Unknown => 2,
        Succeeded or Failed or Canceled or Expired => 3,
        PartiallyRefunded => 4,
        Refunded => 5,
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    [Property(MaxTest = 500)]
    public Property A_final_status_is_never_left() =>
        Prop.ForAll(Walks, walk =>
        {
            var path = Path(walk);
            var firstFinal = path.FindIndex(PaymentStates.IsFinal);
            if (firstFinal >= 0)
                Assert.All(path[firstFinal..], status => Assert.Equal(path[firstFinal], status));
        });

    [Property(MaxTest = 500)]
    public Property The_rank_never_decreases() =>
        Prop.ForAll(Walks, walk =>
        {
            var path = Path(walk);
            Assert.All(path.Zip(path.Skip(1)), move => Assert.True(Rank(move.Second) >= Rank(move.First), $"{move}"));
        });

    [Property(MaxTest = 500)]
    public Property Once_succeeded_only_refunds_follow() =>
        Prop.ForAll(Walks, walk =>
        {
            var path = Path(walk);
            var succeeded = path.IndexOf(Succeeded);
            if (succeeded >= 0)
                Assert.All(path[succeeded..], status => Assert.Contains(status, new[] { Succeeded, PartiallyRefunded, Refunded }));
        });

    [Property(MaxTest = 500)]
    public Property Once_settled_always_settled() =>
        Prop.ForAll(Walks, walk =>
        {
            var path = Path(walk);
            var settled = path.FindIndex(PaymentStates.IsSettled);
            if (settled >= 0)
                Assert.All(path[settled..], status => Assert.True(PaymentStates.IsSettled(status), $"{status}"));
        });

    [Fact]
    public void Decide_on_the_same_status_is_already_there_except_partially_refunded() =>
        Assert.All(Enum.GetValues<PaymentStatus>(), status => Assert.Equal(
            status == PartiallyRefunded ? TransitionDecision.Apply : TransitionDecision.AlreadyThere,
            PaymentStates.Decide(status, status).Decision));

    [Fact]
    public void Decide_applies_exactly_the_moves_CanMove_allows() =>
        Assert.All(StatesGen.AllPairs<PaymentStatus>(), pair => Assert.Equal(
            PaymentStates.CanMove(pair.From, pair.To) ? TransitionDecision.Apply
                : pair.From == pair.To ? TransitionDecision.AlreadyThere
                : TransitionDecision.Refused,
            PaymentStates.Decide(pair.From, pair.To).Decision));
}
