using System.Threading.RateLimiting;
using Paydesk.Tenancy;

namespace Paydesk.Api;

/// <summary>
/// Every <see cref="RateLimit"/> that applies to a request, each a fixed window per partition (an
/// address, an order, a key). A request goes through only when each of them has a permit; a
/// refusal names the limit that refused, so the answer can say which.
/// </summary>
internal sealed class PaydeskRateLimiter : PartitionedRateLimiter<HttpContext>
{
    private readonly Rule[] _rules;

    public PaydeskRateLimiter(RateLimitsOptions options) =>
        _rules = [.. Enum.GetValues<RateLimit>().Select(limit => new Rule(limit, Windows(options.For(limit))))];

    /// <summary>The partition of the limit that the request counts against, or null when the limit does not apply to it.</summary>
    private static string? PartitionOf(RateLimit limit, HttpContext http)
    {
        var key = http.User.FindFirst(ApiKeyAuthentication.KeyIdClaim)?.Value;
        // A replay of a stored answer creates nothing: the endpoint's limits do not count it.
        if (limit != RateLimit.FailedAuthentication && IdempotencyMiddleware.IsReplay(http)) return null;
        return limit switch
        {
            // Only /api asks for keys: webhooks, payment and invoice pages, health and docs are never limited.
            RateLimit.FailedAuthentication when key is null && http.Request.Path.StartsWithSegments("/api") =>
                http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
            RateLimit.CheckoutPerOrder when key is not null && IsLimitedBy(http, limit) =>
                $"{http.User.FindFirst(ApiKeyAuthentication.TenantClaim)?.Value}/{http.GetRouteValue("id")}",
            RateLimit.CheckoutPerKey or RateLimit.CustomerSessionsPerKey when key is not null && IsLimitedBy(http, limit) => key,
            RateLimit.PageCheckoutPerAddress when IsLimitedBy(http, limit) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
            _ => null,
        };
    }

    private static bool IsLimitedBy(HttpContext http, RateLimit limit) =>
        http.GetEndpoint()?.Metadata.GetMetadata<RateLimitedBy>()?.Limits.Contains(limit) == true;

    private static PartitionedRateLimiter<string> Windows(WindowLimit limit) =>
        PartitionedRateLimiter.Create<string, string>(partition => RateLimitPartition.GetFixedWindowLimiter(partition,
            _ => new FixedWindowRateLimiterOptions { PermitLimit = limit.PermitLimit, Window = limit.Window, QueueLimit = 0 }));

    public override RateLimiterStatistics? GetStatistics(HttpContext resource) => null;

    protected override RateLimitLease AttemptAcquireCore(HttpContext http, int permitCount)
    {
        var applicable = _rules.Select(r => (Rule: r, Partition: PartitionOf(r.Limit, http))).Where(r => r.Partition is not null).ToList();

        // Look before taking: a fixed window's permits never come back, so a request that one limit
        // refuses must not spend another's (nor must the middleware's second try after a refusal).
        foreach (var (rule, partition) in applicable)
        {
            var peek = rule.Windows.AttemptAcquire(partition!, 0);
            if (!peek.IsAcquired) return new Refusal(rule.Limit, peek);
            peek.Dispose();
        }

        var taken = new List<RateLimitLease>(applicable.Count);
        foreach (var (rule, partition) in applicable)
        {
            var lease = rule.Windows.AttemptAcquire(partition!, permitCount);
            if (!lease.IsAcquired)
            {
                // Another request took the last permit since the look.
                taken.ForEach(l => l.Dispose());
                return new Refusal(rule.Limit, lease);
            }
            taken.Add(lease);
        }
        return new Grant(taken);
    }

    // No limit queues: a request is answered at once, never held until a window opens.
    protected override ValueTask<RateLimitLease> AcquireAsyncCore(HttpContext http, int permitCount, CancellationToken ct) =>
        ValueTask.FromResult(AttemptAcquireCore(http, permitCount));

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            foreach (var rule in _rules)
                rule.Windows.Dispose();
    }

    private sealed record Rule(RateLimit Limit, PartitionedRateLimiter<string> Windows);

    /// <summary>Refused by <see cref="Limit"/>; the refusing window's lease tells when to retry.</summary>
    public sealed class Refusal(RateLimit limit, RateLimitLease refused) : RateLimitLease
    {
        public RateLimit Limit => limit;
        public override bool IsAcquired => false;
        public override IEnumerable<string> MetadataNames => refused.MetadataNames;
        public override bool TryGetMetadata(string metadataName, out object? metadata) => refused.TryGetMetadata(metadataName, out metadata);

        protected override void Dispose(bool disposing)
        {
            if (disposing) refused.Dispose();
        }
    }

    private sealed class Grant(List<RateLimitLease> leases) : RateLimitLease
    {
        public override bool IsAcquired => true;
        public override IEnumerable<string> MetadataNames => [];
        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) leases.ForEach(l => l.Dispose());
        }
    }
}
