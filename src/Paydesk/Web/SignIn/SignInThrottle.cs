using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using Paydesk.Api;

namespace Paydesk.Web.SignIn;

/// <summary>
/// Failed password sign-ins, counted per email address and per client address in fixed windows
/// (<see cref="RateLimit.FailedSignIn"/>). Only failures count; once either count is spent, sign-in
/// is refused for that address without looking at the password, until the window ends.
/// </summary>
public sealed class SignInThrottle(IOptions<RateLimitsOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _failures = PartitionedRateLimiter.Create<string, string>(partition =>
        RateLimitPartition.GetFixedWindowLimiter(partition, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.Value.FailedSignIn.PermitLimit, Window = options.Value.FailedSignIn.Window, QueueLimit = 0,
        }));

    public bool Allows(string email, HttpContext http) =>
        Keys(email, http).All(key =>
        {
            using var peek = _failures.AttemptAcquire(key, 0);
            return peek.IsAcquired;
        });

    public void Failed(string email, HttpContext http)
    {
        foreach (var key in Keys(email, http)) _failures.AttemptAcquire(key, 1).Dispose();
    }

    private static string[] Keys(string email, HttpContext http) =>
        [$"email:{email.Trim().ToLowerInvariant()}", $"address:{http.Connection.RemoteIpAddress}"];

    public void Dispose() => _failures.Dispose();
}
