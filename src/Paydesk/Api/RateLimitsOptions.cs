using Microsoft.Extensions.Options;

namespace Paydesk.Api;

/// <summary>The limits callers are held to. Each name is also its setting's section under <c>RateLimits</c>.</summary>
public enum RateLimit
{
    /// <summary>Requests under <c>/api</c> without a valid key, per client address.</summary>
    FailedAuthentication,
    /// <summary>Checkouts of one order (the route's <c>{id}</c>), per tenant and order.</summary>
    CheckoutPerOrder,
    /// <summary>Checkouts started with one API key, whatever the order.</summary>
    CheckoutPerKey,
    /// <summary>Customer sessions created with one API key.</summary>
    CustomerSessionsPerKey,
    /// <summary>Failed password sign-ins on the pages, per email address and per client address (each counted apart).</summary>
    FailedSignIn,
    /// <summary>Orders placed and paid for from the tenants' checkout pages, per client address.</summary>
    PageCheckoutPerAddress,
}

/// <summary>At most <see cref="PermitLimit"/> requests in each fixed window of <see cref="WindowSeconds"/>.</summary>
public sealed class WindowLimit
{
    public int PermitLimit { get; set; }
    public int WindowSeconds { get; set; } = 60;

    public TimeSpan Window => TimeSpan.FromSeconds(WindowSeconds);
}

/// <summary>
/// The <c>RateLimits</c> configuration section. The defaults are far above what a person or a
/// well-behaved integration sends, and far below what a key guesser or a runaway loop does.
/// </summary>
public sealed class RateLimitsOptions
{
    public const string Section = "RateLimits";

    /// <summary>Someone mistyping a key, or a script with a stale one, stays well under 30 a minute; a guesser does not.</summary>
    public WindowLimit FailedAuthentication { get; set; } = new() { PermitLimit = 30 };

    /// <summary>A customer who leaves the payment page and comes back a few times needs a handful; 10 leaves room.</summary>
    public WindowLimit CheckoutPerOrder { get; set; } = new() { PermitLimit = 10 };

    /// <summary>One a second for a whole shop's backend: more than a small business sells, and configurable for one that does.</summary>
    public WindowLimit CheckoutPerKey { get; set; } = new() { PermitLimit = 60 };

    /// <summary>A session is made when a customer signs in to the shop's app; one a second per key covers a busy one.</summary>
    public WindowLimit CustomerSessionsPerKey { get; set; } = new() { PermitLimit = 60 };

    /// <summary>A person who forgot their password gives up or resets it long before 10 tries in 15 minutes; a guesser does not.</summary>
    public WindowLimit FailedSignIn { get; set; } = new() { PermitLimit = 10, WindowSeconds = 900 };

    /// <summary>A buyer who changes their mind a few times needs a handful; a script filling a shop with orders needs more than 20 a minute.</summary>
    public WindowLimit PageCheckoutPerAddress { get; set; } = new() { PermitLimit = 20 };

    public WindowLimit For(RateLimit limit) => limit switch
    {
        RateLimit.FailedAuthentication => FailedAuthentication,
        RateLimit.CheckoutPerOrder => CheckoutPerOrder,
        RateLimit.CheckoutPerKey => CheckoutPerKey,
        RateLimit.CustomerSessionsPerKey => CustomerSessionsPerKey,
        RateLimit.FailedSignIn => FailedSignIn,
        RateLimit.PageCheckoutPerAddress => PageCheckoutPerAddress,
        _ => throw new ArgumentOutOfRangeException(nameof(limit), limit, null),
    };
}

/// <summary>Checked when the host starts, so a limit of zero stops the process with the setting's name instead of refusing every request.</summary>
internal sealed class RateLimitsOptionsValidation : IValidateOptions<RateLimitsOptions>
{
    public ValidateOptionsResult Validate(string? name, RateLimitsOptions o)
    {
        var failures = new List<string>();
        foreach (var limit in Enum.GetValues<RateLimit>())
        {
            var window = o.For(limit);
            var setting = $"{RateLimitsOptions.Section}:{limit}";
            if (window.PermitLimit < 1)
                failures.Add($"{setting}:PermitLimit must be a positive number of requests; it is {window.PermitLimit}.");
            if (window.WindowSeconds < 1)
                failures.Add($"{setting}:WindowSeconds must be a positive number of seconds; it is {window.WindowSeconds}.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
