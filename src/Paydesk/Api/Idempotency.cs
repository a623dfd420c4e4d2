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
    /// <summary>Null while the request is running (or its process died running it).</summary>
    public int? StatusCode { get; set; }
    public string? ContentType { get; set; }
    public string? Location { get; set; }
    public byte[]? Body { get; set; }
    /// <summary>The answer held a secret that is shown once, so it is not kept to be replayed.</summary>
    public bool BodyWithheld { get; set; }
    /// <summary>When the key was first used; it is kept <see cref="IdempotencyMiddleware.Retention"/> from then.</summary>
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>Which run of the request holds the key: one value per claim, so a run whose claim was taken over stores nothing.</summary>
    public string? ClaimToken { get; set; }
    /// <summary>While no answer is stored, the claim holds until then (extended while the request runs); after it, a retry may take over.</summary>
    public DateTimeOffset? LeaseUntil { get; set; }
}

internal sealed class IdempotencyRecordConfiguration : IEntityTypeConfiguration<IdempotencyRecord>
{
    public void Configure(EntityTypeBuilder<IdempotencyRecord> b)
    {
        b.HasKey(r => new { r.TenantId, r.Key });
        b.HasIndex(r => r.CreatedAt);
        b.Property(r => r.Key).HasMaxLength(IdempotencyMiddleware.MaxKeyLength);
        b.Property(r => r.RequestHash).HasMaxLength(64);
        b.Property(r => r.ClaimToken).HasMaxLength(40);
        // Two requests reclaiming one expired key: only one may win.
        b.Property(r => r.CreatedAt).IsConcurrencyToken();
    }
}

/// <summary>Marks an endpoint whose answer carries a secret shown once: it is never stored for replay.</summary>
public sealed class ReturnsSecretOnce;

/// <summary>
/// Marks an endpoint that commits in steps of its own, because it calls a provider between them
/// (a checkout, a refund): its work cannot share one transaction with its stored answer. It keeps
/// a retry from doing its work twice itself, with <see cref="IdempotencyContext.Key"/> stored on
/// what it creates.
/// </summary>
public sealed class CommitsInSteps;

/// <summary>The <c>Idempotency-Key</c> of the request being served, for endpoints that remember it on what they create.</summary>
public sealed class IdempotencyContext
{
    public string? Key { get; internal set; }
}

/// <summary>
/// Honours <c>Idempotency-Key</c> on every POST under <c>/api</c>: the same key with the same
/// request replays the first answer; with a different request it is a 409; while the first is
/// still running, a 409 that says so. Keys are kept at least <see cref="Retention"/>. A 5xx answer
/// is not kept, so the client may retry it.
/// </summary>
/// <remarks>
/// The key is claimed first, in a transaction of its own, with a short lease that a timer extends
/// while the request runs. The endpoint's work and its stored answer then commit in one
/// transaction, on the condition that the claim is still this request's: either both are there,
/// or neither. If the process dies mid-request, nothing it did remains, and once the lease runs out
/// (seconds, not the 24 h of retention) a retry takes the key over and does the work — once.
/// </remarks>
internal sealed class IdempotencyMiddleware(RequestDelegate next, ILogger<IdempotencyMiddleware> log)
{
    public const string Header = "Idempotency-Key";
    public const int MaxKeyLength = 255;
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);
    /// <summary>How long a claim holds without being extended: a request whose process died frees its key after this.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(10);

    private static readonly object ReplayItem = new();

    /// <summary>Whether <see cref="NoteReplaysAsync"/> found the request's key answered already: it will be replayed, not run.</summary>
    public static bool IsReplay(HttpContext http) => http.Items.ContainsKey(ReplayItem);

    /// <summary>When <see cref="NoteReplaysAsync"/> found the key still kept: the claim judges its age at that instant too,
    /// so a key that expires in between is replayed as promised rather than run without a permit.</summary>
    private static DateTimeOffset? ReplayNotedAt(HttpContext http) => http.Items.TryGetValue(ReplayItem, out var at) ? (DateTimeOffset?)at : null;

    /// <summary>
    /// Before the rate limiter: a request to a rate-limited endpoint whose key has its answer stored
    /// is marked, so that replaying it (a client retrying after a lost answer) creates nothing and
    /// spends none of the endpoint's permits. One lookup by primary key, on those endpoints only.
    /// </summary>
    public static async Task NoteReplaysAsync(HttpContext http, Func<Task> next)
    {
        if (HttpMethods.IsPost(http.Request.Method) && http.Request.Headers.TryGetValue(Header, out var values)
            && http.GetEndpoint()?.Metadata.GetMetadata<RateLimitedBy>() is not null
            && http.RequestServices.GetRequiredService<TenantContext>().TenantId is not null)
        {
            var key = values.ToString();
            var db = http.RequestServices.GetRequiredService<PaydeskDb>();
            // Only an answer still kept is replayed (as in ClaimAsync); an older key runs afresh, and pays for it.
            var now = http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
            var keptSince = PaydeskDb.Stored(now - Retention);
            if (await db.IdempotencyRecords.AsNoTracking()
                    .AnyAsync(r => r.Key == key && r.StatusCode != null && r.CreatedAt >= keptSince, http.RequestAborted))
                http.Items[ReplayItem] = now;
        }
        await next();
    }

    public async Task InvokeAsync(HttpContext http, TenantContext tenant, IServiceScopeFactory scopes, TimeProvider time, IdempotencyContext context)
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
        var claims = scope.ServiceProvider.GetRequiredService<PaydeskDb>();

        var token = Guid.NewGuid().ToString("N");
        var answer = await ClaimAsync(claims, key, hash, token, time, ReplayNotedAt(http), http.RequestAborted);
        if (answer is not null)
        {
            await answer.ExecuteAsync(http);
            return;
        }
        context.Key = key;

        // Stopped by disposing it, which ends its wait without an exception: one per request costs.
        var heartbeat = new PeriodicTimer(Lease / 3, time);
        var extending = ExtendWhileRunningAsync(scopes, tenant, key, token, time, heartbeat);
        try
        {
            if (http.GetEndpoint()?.Metadata.GetMetadata<CommitsInSteps>() is not null)
                await RunAndStoreAsync(http, claims, key, token, inTransaction: false);
            else
                await RunAndStoreAsync(http, http.RequestServices.GetRequiredService<PaydeskDb>(), key, token, inTransaction: true);
        }
        finally
        {
            heartbeat.Dispose();
            await extending;
        }
    }

    /// <summary>
    /// Runs the endpoint with its answer buffered and stores the answer with <paramref name="db"/>,
    /// in the transaction that also holds the endpoint's work when <paramref name="inTransaction"/>.
    /// A 5xx or an exception stores nothing, rolls the work back, and frees the key.
    /// </summary>
    private async Task RunAndStoreAsync(HttpContext http, PaydeskDb db, string key, string token, bool inTransaction)
    {
        var transaction = inTransaction ? await db.Database.BeginTransactionAsync(http.RequestAborted) : null;
        var original = http.Response.Body;
        using var buffer = new MemoryStream();
        http.Response.Body = buffer;
        try
        {
            try
            {
                await next(http);
            }
            finally
            {
                http.Response.Body = original;
            }

            if (http.Response.StatusCode >= 500)
            {
                if (transaction is not null) await transaction.RollbackAsync(CancellationToken.None);
                await ReleaseAsync(http, key, token);
            }
            else
            {
                var location = http.Response.Headers.Location.ToString() is { Length: > 0 } l ? l : null;
                var withheld = http.GetEndpoint()?.Metadata.GetMetadata<ReturnsSecretOnce>() is not null;
                var (status, contentType, body) = (http.Response.StatusCode, http.Response.ContentType, withheld ? null : buffer.ToArray());
                var stored = await db.IdempotencyRecords
                    .Where(r => r.Key == key && r.ClaimToken == token && r.StatusCode == null)
                    .ExecuteUpdateAsync(u => u
                        .SetProperty(r => r.StatusCode, status)
                        .SetProperty(r => r.ContentType, contentType)
                        .SetProperty(r => r.Location, location)
                        .SetProperty(r => r.BodyWithheld, withheld)
                        .SetProperty(r => r.Body, body)
                        .SetProperty(r => r.LeaseUntil, (DateTimeOffset?)null), CancellationToken.None);
                if (stored == 0)
                {
                    // The claim ran out and a retry took the key over: that retry does the work, this one undoes it.
                    if (transaction is not null) await transaction.RollbackAsync(CancellationToken.None);
                    log.LogWarning("A request with idempotency key of tenant {TenantId} outlived its claim; its work was rolled back", db.Tenant.TenantId);
                    http.Response.Clear();
                    await Problem.Conflict($"This request took longer than its claim on the {Header}, and a retry took it over; its work was undone. Read what the retry answered.")
                        .ToHttp().ExecuteAsync(http);
                    return;
                }
                if (transaction is not null) await transaction.CommitAsync(CancellationToken.None);
            }
        }
        catch
        {
            if (transaction is not null) await transaction.RollbackAsync(CancellationToken.None);
            await ReleaseAsync(http, key, token);
            throw;
        }
        finally
        {
            if (transaction is not null) await transaction.DisposeAsync();
        }

        buffer.Position = 0;
        await buffer.CopyToAsync(original, http.RequestAborted);
    }

    /// <summary>Frees the key after a 5xx or an exception, so the client may retry at once.</summary>
    private static async Task ReleaseAsync(HttpContext http, string key, string token)
    {
        await using var scope = http.RequestServices.GetRequiredService<IServiceScopeFactory>().CreateAsyncScope();
        var tenant = http.RequestServices.GetRequiredService<TenantContext>();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenant.TenantId!, tenant.Role, tenant.CustomerId);
        await scope.ServiceProvider.GetRequiredService<PaydeskDb>().IdempotencyRecords
            .Where(r => r.Key == key && r.ClaimToken == token && r.StatusCode == null)
            .ExecuteDeleteAsync(CancellationToken.None);
    }

    /// <summary>Keeps the claim alive while the request runs: a request that takes long is not taken over.</summary>
    private async Task ExtendWhileRunningAsync(IServiceScopeFactory scopes, TenantContext tenant, string key, string token, TimeProvider time, PeriodicTimer timer)
    {
        try
        {
            while (await timer.WaitForNextTickAsync())
            {
                await using var scope = scopes.CreateAsyncScope();
                scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenant.TenantId!, tenant.Role, tenant.CustomerId);
                var until = PaydeskDb.Stored(time.GetUtcNow() + Lease);
                await scope.ServiceProvider.GetRequiredService<PaydeskDb>().IdempotencyRecords
                    .Where(r => r.Key == key && r.ClaimToken == token && r.StatusCode == null)
                    .ExecuteUpdateAsync(u => u.SetProperty(r => r.LeaseUntil, until), CancellationToken.None);
            }
        }
        catch (Exception e)
        {
            log.LogWarning(e, "Extending the claim on an idempotency key failed; a retry may take it over when its lease runs out");
        }
    }

    /// <summary>Claims the key for this request, or answers as the key's state says (replay, conflict, still running).</summary>
    private static async Task<IResult?> ClaimAsync(
        PaydeskDb db, string key, string hash, string token, TimeProvider time, DateTimeOffset? replayNotedAt, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var now = time.GetUtcNow();
            var existing = await db.IdempotencyRecords.AsNoTracking().FirstOrDefaultAsync(r => r.Key == key, ct);
            if (existing is not null && existing.CreatedAt + Retention >= (replayNotedAt ?? now))
            {
                if (existing.RequestHash != hash)
                    return Problem.Conflict($"This {Header} was already used with a different request. Use a new key for a new request.").ToHttp();
                if (existing.StatusCode is not null) return Replay(existing);
                if (existing.LeaseUntil > now) return StillRunning(existing.LeaseUntil.Value - now);
                // The request that held it never finished (its process died): this one takes it over.
                var taken = await db.IdempotencyRecords
                    .Where(r => r.Key == key && r.ClaimToken == existing.ClaimToken && r.StatusCode == null)
                    .ExecuteUpdateAsync(u => u
                        .SetProperty(r => r.ClaimToken, token)
                        .SetProperty(r => r.LeaseUntil, PaydeskDb.Stored(now + Lease)), ct);
                if (taken == 1) return null;
                continue; // another retry took it, or the first finished: answer as it stands now
            }

            IdempotencyRecord claim;
            if (existing is null)
            {
                claim = new IdempotencyRecord { TenantId = "", Key = key, RequestHash = hash, CreatedAt = now, ClaimToken = token, LeaseUntil = now + Lease };
                db.IdempotencyRecords.Add(claim);
            }
            else
            {
                // Past its retention the key is free again: this request starts it afresh.
                claim = existing;
                db.IdempotencyRecords.Attach(claim);
                (claim.RequestHash, claim.CreatedAt, claim.StatusCode) = (hash, now, null);
                (claim.ContentType, claim.Location, claim.Body, claim.BodyWithheld) = (null, null, null, false);
                (claim.ClaimToken, claim.LeaseUntil) = (token, now + Lease);
            }
            try
            {
                await db.SaveChangesAsync(ct);
                return null;
            }
            catch (DbUpdateException) when (attempt < 2)
            {
                // Another request with this key won the race: answer as it would be answered.
                db.ChangeTracker.Clear();
            }
        }
    }

    private static IResult StillRunning(TimeSpan left) => new StillRunningResult((int)Math.Ceiling(Math.Max(1, left.TotalSeconds)));

    private static IResult Replay(IdempotencyRecord existing)
    {
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

    private sealed class StillRunningResult(int retryAfterSeconds) : IResult
    {
        public Task ExecuteAsync(HttpContext http)
        {
            http.Response.Headers.RetryAfter = retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Problem.Conflict($"A request with this {Header} is still being processed. Retry after {retryAfterSeconds} s.").ToHttp().ExecuteAsync(http);
        }
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
        services.AddScoped<IdempotencyContext>().AddSingleton<Jobs.IJobHandler, PruneIdempotencyKeys>();
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
        var pruned = await Installation.PruneIdempotencyKeysAsync(services.GetRequiredService<PaydeskDb>(), cutoff, ct);
        if (pruned > 0) log.LogInformation("Pruned {Count} idempotency keys older than {Cutoff}", pruned, cutoff);
        return Jobs.JobOutcome.Later(time.GetUtcNow() + Every);
    }
}
