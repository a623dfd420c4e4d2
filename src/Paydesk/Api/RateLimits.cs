using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Paydesk.Api;

/// <summary>Endpoint metadata: the per-endpoint limits a request to it counts against.</summary>
public sealed class RateLimitedBy(params RateLimit[] limits)
{
    public IReadOnlyList<RateLimit> Limits => limits;
}

/// <summary>
/// ASP.NET Core's rate limiter with Paydesk's limits (<see cref="RateLimitsOptions"/>): requests
/// without a valid key per address, and, on endpoints marked with <see cref="LimitedBy"/>, per
/// order or per key. A refusal is a 429 problem with <c>Retry-After</c>.
/// </summary>
public static class RateLimits
{
    public static IServiceCollection AddPaydeskRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RateLimitsOptions>().Bind(configuration.GetSection(RateLimitsOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RateLimitsOptions>, RateLimitsOptionsValidation>());
        // A service, so the host disposes it (and the timers of its windows) when it stops.
        services.AddSingleton(sp => new PaydeskRateLimiter(sp.GetRequiredService<IOptions<RateLimitsOptions>>().Value));
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<PaydeskRateLimiter, IOptions<RateLimitsOptions>>((o, limiter, limits) =>
        {
            o.GlobalLimiter = limiter;
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = (context, _) => RefuseAsync(context, limits.Value);
        });
        return services;
    }

    public static RouteHandlerBuilder LimitedBy(this RouteHandlerBuilder endpoint, params RateLimit[] limits) =>
        endpoint.WithMetadata(new RateLimitedBy(limits)).ProducesProblem(StatusCodes.Status429TooManyRequests);

    private static async ValueTask RefuseAsync(OnRejectedContext context, RateLimitsOptions options)
    {
        var http = context.HttpContext;
        var limit = (context.Lease as PaydeskRateLimiter.Refusal)?.Limit;
        var window = limit is { } l ? options.For(l) : null;
        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : window?.Window ?? TimeSpan.Zero;
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));

        var what = limit switch
        {
            RateLimit.FailedAuthentication => "Too many requests without a valid API key came from this address",
            RateLimit.CheckoutPerOrder => "Too many checkouts were started for this order",
            RateLimit.CheckoutPerKey => "Too many checkouts were started with this API key",
            RateLimit.CustomerSessionsPerKey => "Too many customer sessions were created with this API key",
            _ => "Too many requests",
        };
        var allowed = window is null ? "" : $" (at most {window.PermitLimit} every {window.WindowSeconds} s)";
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await TypedResults.Problem($"{what}{allowed}. Retry after {seconds} s.",
            statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests").ExecuteAsync(http);
    }
}
