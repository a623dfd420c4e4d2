using static Paydesk.Core.OrderStatus;

namespace Paydesk.Core.Tests;

public class OrderStatesTests
{
    // Written out from the specification, independently of the table in OrderStates.
    private static readonly (OrderStatus From, OrderStatus To)[] Allowed =
    [
        (AwaitingPayment, Paid), (AwaitingPayment, Canceled), (AwaitingPayment, Expired),
        (Paid, Fulfilled), (Paid, PartiallyRefunded), (Paid, Refunded),
        (Fulfilled, PartiallyRefunded), (Fulfilled, Refunded),
        (PartiallyRefunded, PartiallyRefunded), (PartiallyRefunded, Refunded),
    ];

    public static TheoryData<OrderStatus, OrderStatus> AllowedMoves => StatesGen.TheoryData(Allowed);

    public static TheoryData<OrderStatus, OrderStatus> RefusedMoves =>
        StatesGen.TheoryData(StatesGen.AllPairs<OrderStatus>().Where(p => p.From != p.To).Except(Allowed));

    [Theory]
    [MemberData(nameof(AllowedMoves))]
    public void Allowed_moves_are_applied(OrderStatus from, OrderStatus to)
    {
        Assert.True(OrderStates.CanMove(from, to));
        Assert.Equal(TransitionDecision.Apply, OrderStates.Decide(from, to).Decision);
    }

    [Theory]
    [MemberData(nameof(RefusedMoves))]
    public void Every_other_move_is_refused(OrderStatus from, OrderStatus to)
    {
        Assert.False(OrderStates.CanMove(from, to));
        Assert.Equal(TransitionDecision.Refused, OrderStates.Decide(from, to).Decision);
    }

    [Theory]
    [InlineData(Paid, AwaitingPayment, "paid may only move to fulfilled, partially_refunded or refunded; awaiting_payment would move it backwards")]
    [InlineData(Paid, Canceled, "paid may only move to fulfilled, partially_refunded or refunded; canceled would move it sideways")]
    [InlineData(Fulfilled, Paid, "fulfilled may only move to partially_refunded or refunded; paid would move it backwards")]
    [InlineData(AwaitingPayment, Fulfilled, "awaiting_payment may only move to paid, canceled or expired; fulfilled would skip a step")]
    [InlineData(Expired, Paid, "expired is final; paid would move it sideways")]
    [InlineData(Refunded, Fulfilled, "refunded is final; fulfilled would move it backwards")]
    public void Refusals_say_why(OrderStatus current, OrderStatus proposed, string reason) =>
        Assert.Equal(new TransitionResult(TransitionDecision.Refused, reason), OrderStates.Decide(current, proposed));

    [Theory]
    [InlineData(AwaitingPayment, false)]
    [InlineData(Paid, false)]
    [InlineData(Fulfilled, false)]
    [InlineData(Canceled, true)]
    [InlineData(Expired, true)]
    [InlineData(PartiallyRefunded, false)]
    [InlineData(Refunded, true)]
    public void Canceled_expired_and_refunded_are_final(OrderStatus status, bool final) =>
        Assert.Equal(final, OrderStates.IsFinal(status));

    [Theory]
    [InlineData(AwaitingPayment, "awaiting_payment")]
    [InlineData(Paid, "paid")]
    [InlineData(Fulfilled, "fulfilled")]
    [InlineData(Canceled, "canceled")]
    [InlineData(Expired, "expired")]
    [InlineData(PartiallyRefunded, "partially_refunded")]
    [InlineData(Refunded, "refunded")]
    public void Api_names_round_trip(OrderStatus status, string api)
    {
        Assert.Equal(api, status.ToApi());
        Assert.True(OrderStates.TryParseApi(api, out var parsed));
        Assert.Equal(status, parsed);
    }

    [Theory]
    [InlineData("AwaitingPayment")]
    [InlineData("awaiting-payment")]
    [InlineData("awaiting")]
    [InlineData("Paid")]
    [InlineData("0")]
    [InlineData("")]
    [InlineData(null)]
    public void Unknown_api_names_are_rejected(string? api) =>
        Assert.False(OrderStates.TryParseApi(api, out _));

    [Fact]
    public void Undefined_values_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => OrderStates.Decide((OrderStatus)42, Paid));
        Assert.Throws<ArgumentOutOfRangeException>(() => ((OrderStatus)(-1)).ToApi());
    }
}
