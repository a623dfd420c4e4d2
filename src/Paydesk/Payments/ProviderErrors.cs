using System.Net;
using System.Text.Json;

namespace Paydesk.Payments;

/// <summary>The kinds of trouble a provider reports, whatever words and codes it uses for them.</summary>
public enum ProviderFailure
{
    /// <summary>The card or the customer's bank said no: the payment failed, and will fail again the same way.</summary>
    Declined,
    /// <summary>The provider refused the request as malformed or not allowed (an amount too large to refund, a closed payment).</summary>
    InvalidRequest,
    /// <summary>The account's credentials were refused: nothing was done, and nothing will be until they are fixed.</summary>
    Authentication,
    /// <summary>Too many requests: nothing was done; asking later may work.</summary>
    RateLimited,
    /// <summary>The provider failed, timed out or did not answer: it may or may not have acted.</summary>
    Outage,
}

/// <summary>A provider's answer that says something went wrong, in Paydesk's words. Adapters throw it; callers ask <see cref="ProviderErrors"/> what it means.</summary>
public sealed class ProviderException(ProviderFailure failure, string message, Exception? inner = null) : Exception(message, inner)
{
    public ProviderFailure Failure { get; } = failure;
}

/// <summary>
/// What each kind of provider trouble means for Paydesk's payments, decided here and nowhere
/// else: a checkout refused by the provider failed; one it may have acted on is <c>unknown</c>
/// until the reconciler asks; a refund refused is final, one whose answer was lost is asked again
/// with the same key; credentials refused are retried (a person may fix them) and logged loudly.
/// </summary>
public static class ProviderErrors
{
    /// <summary>The kind of trouble an exception from a provider call is, or null when it is not a provider's trouble (a bug: let it fly).</summary>
    public static ProviderFailure? Classify(Exception e) => e switch
    {
        ProviderException p => p.Failure,
        HttpRequestException { StatusCode: { } status } => ForHttpStatus(status),
        HttpRequestException or TimeoutException or TaskCanceledException or IOException => ProviderFailure.Outage,
        // An answer that cannot be read: whatever it said, the provider may have acted.
        JsonException => ProviderFailure.Outage,
        _ => null,
    };

    /// <summary>The kind of trouble an HTTP status means, for providers that answer with one.</summary>
    public static ProviderFailure ForHttpStatus(HttpStatusCode status) => (int)status switch
    {
        401 or 403 => ProviderFailure.Authentication,
        402 => ProviderFailure.Declined,
        429 => ProviderFailure.RateLimited,
        >= 400 and < 500 => ProviderFailure.InvalidRequest,
        _ => ProviderFailure.Outage,
    };

    /// <summary>Whether the provider may have done what it was asked: then only asking it later tells.</summary>
    public static bool MayHaveActed(ProviderFailure failure) => failure == ProviderFailure.Outage;

    /// <summary>Whether a call failing this way is worth making again later (the same request, the same key).</summary>
    public static bool WorthRetrying(ProviderFailure failure) =>
        failure is ProviderFailure.Outage or ProviderFailure.RateLimited or ProviderFailure.Authentication;

    /// <summary>The refund's outcome a failure of the refund call means.</summary>
    public static RefundOutcome RefundOutcomeOf(ProviderFailure failure) =>
        failure is ProviderFailure.Declined or ProviderFailure.InvalidRequest ? RefundOutcome.Refused : RefundOutcome.Unknown;

    /// <summary>Words for a person reading the payment's log or an error page.</summary>
    public static string Describe(ProviderFailure failure, string provider) => failure switch
    {
        ProviderFailure.Declined => $"{provider} declined it",
        ProviderFailure.InvalidRequest => $"{provider} refused the request",
        ProviderFailure.Authentication => $"{provider} refused the account's credentials; check them on the payment providers page",
        ProviderFailure.RateLimited => $"{provider} asked Paydesk to slow down",
        _ => $"{provider} did not answer",
    };
}
