using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using static Paydesk.Core.OrderStatus;

namespace Paydesk.Core.Tests;

public class OrderStatesProperties
{
    private static readonly Arbitrary<(OrderStatus Start, OrderStatus[] Proposals)> Walks = StatesGen.Walk<OrderStatus>();

    private static List<OrderStatus> Path((OrderStatus Start, OrderStatus[] Proposals) walk) =>
        StatesGen.Path(walk.Start, walk.Proposals, OrderStates.Decide);

    private static int Rank(OrderStatus status) => status switch
    {
        AwaitingPayment => 0,
        Paid => 1,
        Fulfilled or Canceled or Expired => 2,
        PartiallyRefunded => 3,
        Refunded => 4,
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    [Property(MaxTest = 500)]
    public Property A_final_status_is_never_left() =>
        Prop.ForAll(Walks, walk =>
        {
            var path = Path(walk);
            var firstFinal = path.FindIndex(OrderStates.IsFinal);
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
    public Property Once_paid_never_unpaid() =>
        Prop.ForAll(Walks, walk =>
        {
            var path = Path(walk);
            var paid = path.IndexOf(Paid);
            if (paid >= 0)
                Assert.All(path[paid..], status => Assert.Contains(status, new[] { Paid, Fulfilled, PartiallyRefunded, Refunded }));
        });

    [Fact]
    public void Decide_on_the_same_status_is_already_there_except_partially_refunded() =>
        Assert.All(Enum.GetValues<OrderStatus>(), status => Assert.Equal(
            status == PartiallyRefunded ? TransitionDecision.Apply : TransitionDecision.AlreadyThere,
            OrderStates.Decide(status, status).Decision));
}
