using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Paydesk.Storage;
using Paydesk.Tenancy;

namespace Paydesk.Api;

/// <summary>A POST made with an <c>Idempotency-Key</c>, and the answer it got.</summary>
public sealed class IdempotencyRecord : ITenantOwned
{
    public required string TenantId { get; set; }
    public required string Key { get; init; }
    /// <summary>SHA-256 of caller, method, path and body: the same key with another request is a conflict.</summary>
    public required string RequestHash { get; set; }
    /// <summary>Null while the first request is still running.</summary>
    public int? StatusCode { get; set; }
    public string? ContentType { get; set; }
    public string? Location { get; set; }
    public byte[]? Body { get; set; }
    /// <summary>The answer held a secret that is shown once, so it is not kept to be replayed.</summary>
    public bool BodyWithheld { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

internal sealed class IdempotencyRecordConfiguration : IEntityTypeConfiguration<IdempotencyRecord>
{
    public void Configure(EntityTypeBuilder<IdempotencyRecord> b)
    {
        b.HasKey(r => new { r.TenantId, r.Key });
        b.HasIndex(r => r.CreatedAt);
        b.Property(r => r.Key).HasMaxLength(IdempotencyMiddleware.MaxKeyLength);
        b.Property(r => r.RequestHash).HasMaxLength(64);
        // Two requests reclaiming one expired key: only one may win.
        b.Property(r => r.CreatedAt).IsConcurrencyToken();
    }
}

/// <summary>Marks an endpoint whose answer carries a secret shown once: it is never stored for replay.</summary>
public sealed class ReturnsSecretOnce;

/// <summary>
/// Honours <c>Idempotency-Key</c> on every POST under <c>/api</c>: the same key with the same
/// request replays the first answer; with a different request it is a 409; while the first is
/// still running, a 409 that says so. Keys are kept at least <see cref="Retention"/>. A 5xx answer
/// is not kept, so the client may retry it.
/// </summary>
internal sealed class IdempotencyMiddleware(RequestDelegate next)
{
    public const string Header = "Idempotency-Key";
    public const int MaxKeyLength = 255;
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    public async Task InvokeAsync(HttpContext http, TenantContext tenant, IServiceScopeFactory scopes, TimeProvider time)
    {
        if (!HttpMethods.IsPost(http.Request.Method) || !http.Request.Path.StartsWithSegments("/api")
            || tenant.TenantId is null || !http.Request.Headers.TryGetValue(Header, out var values))
        {
            await next(http);
            return;
        }

        var key = values.ToString();
        if (key.Length is 0 or > MaxKeyLength || key.Any(c => c is < '!' or > '~'))
        {
            await Problem.Invalid(Header, $"must be 1 to {MaxKeyLength} printable ASCII characters without spaces.").ToHttp().ExecuteAsync(http);
            return;
        }

        var hash = await HashRequestAsync(http);
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenant.TenantId, tenant.Role, tenant.CustomerId);
        var db = scope.ServiceProvider.GetRequiredService<PaydeskDb>();

        var record = await ClaimAsync(db, key, hash, time.GetUtcNow(), http.RequestAborted);
        if (record.Claimed is null)
        {
            await record.Answer!.ExecuteAsync(http);
            return;
        }

        var original = http.Response.Body;
        using var buffer = new MemoryStream();
        http.Response.Body = buffer;
        try
        {
            await next(http);
        }
        catch
        {
            db.IdempotencyRecords.Remove(record.Claimed);
            await db.SaveChangesAsync(CancellationToken.None);
            throw;
        }
        finally
        {
            http.Response.Body = original;
        }

        if (http.Response.StatusCode >= 500)
        {
            db.IdempotencyRecords.Remove(record.Claimed);
        }
        else
        {
            var claimed = record.Claimed;
            claimed.StatusCode = http.Response.StatusCode;
            claimed.ContentType = http.Response.ContentType;
            claimed.Location = http.Response.Headers.Location.ToString() is { Length: > 0 } location ? location : null;
            claimed.BodyWithheld = http.GetEndpoint()?.Metadata.GetMetadata<ReturnsSecretOnce>() is not null;
            claimed.Body = claimed.BodyWithheld ? null : buffer.ToArray();
        }
        await db.SaveChangesAsync(CancellationToken.None);

        buffer.Position = 0;
        await buffer.CopyToAsync(original, http.RequestAborted);
    }

    private sealed record Claim(IdempotencyRecord? Claimed, IResult? Answer);

    private static async Task<Claim> ClaimAsync(PaydeskDb db, string key, string hash, DateTimeOffset now, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var claimed = await db.IdempotencyRecords.FirstOrDefaultAsync(r => r.Key == key, ct);
            if (claimed is not null && claimed.CreatedAt + Retention >= now)
                return new Claim(null, Replay(claimed, hash));

            if (claimed is null)
            {
                claimed = new IdempotencyRecord { TenantId = "", Key = key, RequestHash = hash, CreatedAt = now };
                db.IdempotencyRecords.Add(claimed);
            }
            else
            {
                // Past its retention the key is free again: this request starts it afresh.
                (claimed.RequestHash, claimed.CreatedAt, claimed.StatusCode) = (hash, now, null);
                (claimed.ContentType, claimed.Location, claimed.Body, claimed.BodyWithheld) = (null, null, null, false);
            }
            try
            {
                await db.SaveChangesAsync(ct);
                return new Claim(claimed, null);
            }
            catch (DbUpdateException) when (attempt == 0)
            {
                // Another request with this key won the race: answer as it would be answered.
                db.ChangeTracker.Clear();
            }
        }
    }

    private static IResult Replay(IdempotencyRecord existing, string hash)
    {
        if (existing.RequestHash != hash)
            return Problem.Conflict($"This {Header} was already used with a different request. Use a new key for a new request.").ToHttp();
        if (existing.StatusCode is null)
            return Problem.Conflict($"A request with this {Header} is still being processed. Retry shortly.").ToHttp();
        if (existing.BodyWithheld)
            return Problem.Conflict(
                $"This {Header} was used by a request whose answer held a secret that is shown only once; it is not replayed. " +
                "List the resource to find what was created.").ToHttp();
        return new ReplayResult(existing);
    }

    private static async Task<string> HashRequestAsync(HttpContext http)
    {
        http.Request.EnableBuffering();
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var caller = http.User.FindFirst(ApiKeyAuthentication.KeyIdClaim)?.Value ?? "";
        sha.AppendData(Encoding.UTF8.GetBytes($"{caller}\n{http.Request.Method}\n{http.Request.Path}{http.Request.QueryString}\n"));
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await http.Request.Body.ReadAsync(chunk, http.RequestAborted)) > 0)
            sha.AppendData(chunk, 0, read);
        http.Request.Body.Position = 0;
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    private sealed class ReplayResult(IdempotencyRecord record) : IResult
    {
        public async Task ExecuteAsync(HttpContext http)
        {
            http.Response.StatusCode = record.StatusCode!.Value;
            http.Response.Headers["Idempotent-Replayed"] = "true";
            if (record.ContentType is not null) http.Response.ContentType = record.ContentType;
            if (record.Location is not null) http.Response.Headers.Location = record.Location;
            if (record.Body is { Length: > 0 } body) await http.Response.Body.WriteAsync(body, http.RequestAborted);
        }
    }
}

public static class IdempotencyRegistrations
{
    /// <summary>The store's upkeep; the middleware itself is in the pipeline (<see cref="PaydeskApp"/>).</summary>
    public static IServiceCollection AddIdempotency(this IServiceCollection services) =>
        services.AddSingleton<Jobs.IJobHandler, PruneIdempotencyKeys>();
}

/// <summary>Forgets idempotency keys once they are older than the retention period: work of the installation, every hour.</summary>
internal sealed class PruneIdempotencyKeys(TimeProvider time, ILogger<PruneIdempotencyKeys> log) : Jobs.IJobHandler
{
    public const string JobKind = "prune-idempotency-keys";
    public static readonly TimeSpan Every = TimeSpan.FromHours(1);

    public string Kind => JobKind;

    public bool IsRecurring => true;

    public async Task<Jobs.JobOutcome> RunAsync(Jobs.JobRun run, IServiceProvider services, CancellationToken ct)
    {
        // Keys are kept a day longer than promised, so a key is never forgotten early.
        var cutoff = time.GetUtcNow() - IdempotencyMiddleware.Retention * 2;
        var pruned = await services.GetRequiredService<PaydeskDb>().IdempotencyRecords.IgnoreQueryFilters()
            .Where(r => r.CreatedAt < cutoff).ExecuteDeleteAsync(ct);
        if (pruned > 0) log.LogInformation("Pruned {Count} idempotency keys older than {Cutoff}", pruned, cutoff);
        return Jobs.JobOutcome.Later(time.GetUtcNow() + Every);
    }
}
