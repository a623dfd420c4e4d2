using static Paydesk.Core.PaymentStatus;

namespace Paydesk.Core.Tests;

public class PaymentStatesTests
{
    // Written out from the specification, independently of the table in PaymentStates.
    private static readonly (PaymentStatus From, PaymentStatus To)[] Allowed =
    [
        (Created, Pending), (Created, Succeeded), (Created, Failed), (Created, Canceled), (Created, Expired),
        (Created, Unknown),
        (Pending, Succeeded), (Pending, Failed), (Pending, Canceled), (Pending, Expired), (Pending, Unknown),
        (Unknown, Succeeded), (Unknown, Failed), (Unknown, Canceled), (Unknown, Expired),
        (Succeeded, PartiallyRefunded), (Succeeded, Refunded),
        (PartiallyRefunded, PartiallyRefunded), (PartiallyRefunded, Refunded),
    ];

    public static TheoryData<PaymentStatus, PaymentStatus> AllowedMoves => StatesGen.TheoryData(Allowed);

    public static TheoryData<PaymentStatus, PaymentStatus> RefusedMoves =>
        StatesGen.TheoryData(StatesGen.AllPairs<PaymentStatus>().Where(p => p.From != p.To).Except(Allowed));

    [Theory]
    [MemberData(nameof(AllowedMoves))]
    public void Allowed_moves_are_applied(PaymentStatus from, PaymentStatus to)
    {
        Assert.True(PaymentStates.CanMove(from, to));
        Assert.Equal(
            new TransitionResult(TransitionDecision.Apply, $"{from.ToApi()} → {to.ToApi()}"),
            PaymentStates.Decide(from, to));
    }

    [Theory]
    [MemberData(nameof(RefusedMoves))]
    public void Every_other_move_is_refused(PaymentStatus from, PaymentStatus to)
    {
        Assert.False(PaymentStates.CanMove(from, to));
        var result = PaymentStates.Decide(from, to);
        Assert.Equal(TransitionDecision.Refused, result.Decision);
        Assert.Contains(from.ToApi(), result.Reason, StringComparison.Ordinal);
        Assert.Contains(to.ToApi(), result.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Succeeded, Failed, "succeeded may only move to partially_refunded or refunded; failed would move it sideways")]
    [InlineData(Succeeded, Pending, "succeeded may only move to partially_refunded or refunded; pending would move it backwards")]
    [InlineData(Pending, Created, "pending may only move to unknown, succeeded, failed, canceled or expired; created would move it backwards")]
    [InlineData(Unknown, Pending, "unknown may only move to succeeded, failed, canceled or expired; pending would move it backwards")]
    [InlineData(Refunded, Succeeded, "refunded is final; succeeded would move it backwards")]
    [InlineData(Refunded, PartiallyRefunded, "refunded is final; partially_refunded would move it backwards")]
    [InlineData(Failed, Succeeded, "failed is final; succeeded would move it sideways")]
    [InlineData(Canceled, Pending, "canceled is final; pending would move it backwards")]
    [InlineData(Expired, Failed, "expired is final; failed would move it sideways")]
    [InlineData(Pending, Refunded, "pending may only move to unknown, succeeded, failed, canceled or expired; refunded would skip a step")]
    [InlineData(Created, PartiallyRefunded, "created may only move to pending, unknown, succeeded, failed, canceled or expired; partially_refunded would skip a step")]
    [InlineData(PartiallyRefunded, Succeeded, "partially_refunded may only move to partially_refunded or refunded; succeeded would move it backwards")]
    public void Refusals_say_why(PaymentStatus current, PaymentStatus proposed, string reason) =>
        Assert.Equal(new TransitionResult(TransitionDecision.Refused, reason), PaymentStates.Decide(current, proposed));

    [Theory]
    [InlineData(Failed)]
    [InlineData(Canceled)]
    [InlineData(Expired)]
    [InlineData(Refunded)]
    public void Nothing_leaves_a_final_status(PaymentStatus final)
    {
        Assert.True(PaymentStates.IsFinal(final));
        Assert.All(Enum.GetValues<PaymentStatus>(), to => Assert.False(PaymentStates.CanMove(final, to)));
    }

    [Theory]
    [InlineData(Created, false, false)]
    [InlineData(Pending, false, false)]
    [InlineData(Unknown, false, false)]
    [InlineData(Succeeded, false, true)]
    [InlineData(Failed, true, true)]
    [InlineData(Canceled, true, true)]
    [InlineData(Expired, true, true)]
    [InlineData(PartiallyRefunded, false, true)]
    [InlineData(Refunded, true, true)]
    public void Final_and_settled_statuses(PaymentStatus status, bool final, bool settled)
    {
        Assert.Equal(final, PaymentStates.IsFinal(status));
        Assert.Equal(settled, PaymentStates.IsSettled(status));
    }

    [Fact]
    public void A_repeated_status_is_already_there_except_a_further_partial_refund()
    {
        Assert.Equal(
            new TransitionResult(TransitionDecision.AlreadyThere, "already succeeded; nothing to do"),
            PaymentStates.Decide(Succeeded, Succeeded));
        Assert.Equal(TransitionDecision.Apply, PaymentStates.Decide(PartiallyRefunded, PartiallyRefunded).Decision);
    }

    [Fact]
    public void Each_decision_answers_exactly_one_shortcut()
    {
        var apply = PaymentStates.Decide(Pending, Succeeded);
        var alreadyThere = PaymentStates.Decide(Succeeded, Succeeded);
        var refused = PaymentStates.Decide(Succeeded, Failed);

        Assert.Equal((true, false, false), (apply.IsApply, apply.IsAlreadyThere, apply.IsRefused));
        Assert.Equal((false, true, false), (alreadyThere.IsApply, alreadyThere.IsAlreadyThere, alreadyThere.IsRefused));
        Assert.Equal((false, false, true), (refused.IsApply, refused.IsAlreadyThere, refused.IsRefused));
    }

    [Theory]
    [InlineData(Created, "created")]
    [InlineData(Pending, "pending")]
    [InlineData(Unknown, "unknown")]
    [InlineData(Succeeded, "succeeded")]
    [InlineData(Failed, "failed")]
    [InlineData(Canceled, "canceled")]
    [InlineData(Expired, "expired")]
    [InlineData(PartiallyRefunded, "partially_refunded")]
    [InlineData(Refunded, "refunded")]
    public void Api_names_round_trip(PaymentStatus status, string api)
    {
        Assert.Equal(api, status.ToApi());
        Assert.True(PaymentStates.TryParseApi(api, out var parsed));
        Assert.Equal(status, parsed);
    }

    [Theory]
    [InlineData("Pending")]
    [InlineData("PENDING")]
    [InlineData("PartiallyRefunded")]
    [InlineData("partially-refunded")]
    [InlineData("partiallyrefunded")]
    [InlineData(" pending")]
    [InlineData("pending ")]
    [InlineData("refund")]
    [InlineData("1")]
    [InlineData("")]
    [InlineData(null)]
    public void Unknown_api_names_are_rejected(string? api)
    {
        Assert.False(PaymentStates.TryParseApi(api, out var status));
        Assert.Equal(default, status);
    }

    [Fact]
    public void Undefined_values_are_rejected()
    {
        var undefined = (PaymentStatus)42;
        Assert.Throws<ArgumentOutOfRangeException>("from", () => PaymentStates.CanMove(undefined, Pending));
        Assert.Throws<ArgumentOutOfRangeException>("to", () => PaymentStates.CanMove(Pending, undefined));
        Assert.Throws<ArgumentOutOfRangeException>("current", () => PaymentStates.Decide(undefined, Pending));
        Assert.Throws<ArgumentOutOfRangeException>("proposed", () => PaymentStates.Decide(Pending, undefined));
        Assert.Throws<ArgumentOutOfRangeException>(() => PaymentStates.IsFinal(undefined));
        Assert.Throws<ArgumentOutOfRangeException>(() => PaymentStates.IsSettled(undefined));
        Assert.Throws<ArgumentOutOfRangeException>(() => undefined.ToApi());
    }
}
