namespace Paydesk.Core.Tests;

/// <summary>Every member of every status enum, so a member added later without an API spelling in a test still
/// round-trips.</summary>
public class ApiNamesTests
{
    [Fact]
    public void Every_status_round_trips_through_its_api_name()
    {
        AssertRoundTrip<PaymentStatus>(PaymentStates.ToApi, PaymentStates.TryParseApi);
        AssertRoundTrip<OrderStatus>(OrderStates.ToApi, OrderStates.TryParseApi);
        AssertRoundTrip<SubscriptionStatus>(SubscriptionStates.ToApi, SubscriptionStates.TryParseApi);
        AssertRoundTrip<EntitlementStatus>(EntitlementStates.ToApi, EntitlementStates.TryParseApi);
    }

    private delegate bool TryParse<TState>(string? value, out TState state);

    private static void AssertRoundTrip<TState>(Func<TState, string> toApi, TryParse<TState> tryParse)
        where TState : struct, Enum
    {
        var values = Enum.GetValues<TState>();
        Assert.All(values, status =>
        {
            Assert.Matches("^[a-z]+(_[a-z]+)*$", toApi(status));
            Assert.True(tryParse(toApi(status), out var parsed));
            Assert.Equal(status, parsed);
        });
        Assert.Equal(values.Length, values.Select(toApi).Distinct().Count());
    }
}
