using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Paydesk.Storage;

namespace Paydesk.Health;

/// <summary>Ready means the database answers and carries every migration this build knows.</summary>
internal sealed class DatabaseReady(PaydeskDb db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            if (!await db.Database.CanConnectAsync(ct))
                return HealthCheckResult.Unhealthy("The database does not answer.");
            var pending = (await db.Database.GetPendingMigrationsAsync(ct)).Count();
            return pending == 0
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy($"{pending} migration(s) not applied yet.");
        }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException)
        {
            // The message of a connection failure can carry the host; the exception stays in the logs.
            return HealthCheckResult.Unhealthy("The database cannot be reached.", e);
        }
    }
}

/// <summary>
/// Ready means the key ring seals and opens a value with its current key. The answer also tells an
/// operator where the ring is and that it is backed up with the database — never a key or a password.
/// </summary>
internal sealed class KeyRingReady(KeyRingInfo ring, IKeyManager keys, IDataProtectionProvider protection) : IHealthCheck
{
    public const string BackUp =
        "Back up this key ring together with the database, and the certificate that protects it: " +
        "without them, stored provider secrets and invoice links cannot be read.";

    private readonly IDataProtector _probe = protection.CreateProtector("Paydesk.Health.Probe");

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        var data = new Dictionary<string, object>
        {
            ["keyRingPath"] = ring.Path,
            ["protectedAtRest"] = ring.ProtectedAtRest,
        };
        if (ring.CertificateThumbprint is { } thumbprint) data["certificateThumbprint"] = thumbprint;
        try
        {
            data["keys"] = keys.GetAllKeys().Count;
            _probe.Unprotect(_probe.Protect("ready"));
            return Task.FromResult(HealthCheckResult.Healthy(BackUp, data));
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy($"The key ring cannot be used; the log says why. {BackUp}", e, data));
        }
    }
}

/// <summary>
/// Says how tenants are kept apart: on PostgreSQL, whether the application's role is bound by
/// row-level security (degraded, with the reason, when it is not — Production refuses to start so);
/// on SQLite, by the query filters alone.
/// </summary>
internal sealed class TenantIsolation(PaydeskDb db, StorageInfo storage) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        if (storage.Engine != StorageEngine.Postgres)
            return HealthCheckResult.Healthy("Tenants are kept apart by the query filters; SQLite has no row-level security.",
                new Dictionary<string, object> { ["rowLevelSecurity"] = "not available" });
        try
        {
            var enforcement = await RowLevelSecurity.CheckAsync(db, ct);
            var data = new Dictionary<string, object> { ["rowLevelSecurity"] = enforcement.Enforced ? "enforced" : "not enforced" };
            return enforcement.Enforced
                ? HealthCheckResult.Healthy($"Row-level security backs the query filters: {enforcement.Why}.", data)
                : HealthCheckResult.Degraded($"Only the query filters keep tenants apart: {enforcement.Why}. " + RowLevelSecurity.HowToEnforce, data: data);
        }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy("The database cannot be asked whether row-level security binds the application.", e);
        }
    }
}

/// <summary>
/// The readiness answer, checked at most once a second however often it is polled: every load
/// balancer polls it, and each check asks the database several questions. Concurrent polls share
/// one check. Only a ready answer is kept: a process that is not ready is checked again at the next
/// poll, so it is taken back into service as soon as it is.
/// </summary>
internal sealed class Readiness(HealthCheckService checks, TimeProvider time)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(1);

    public sealed record Answer(int Status, byte[] Json, long CheckedAt);

    private readonly Lock _gate = new();
    private Answer? _ready;
    private Task<Answer>? _checking;

    public Task<Answer> AnswerAsync()
    {
        if (Volatile.Read(ref _ready) is { } ready && time.GetElapsedTime(ready.CheckedAt) < MaxAge)
            return Task.FromResult(ready);
        lock (_gate)
        {
            if (_checking is null || _checking.IsCompleted) _checking = CheckAsync();
            return _checking;
        }
    }

    private async Task<Answer> CheckAsync()
    {
        var at = time.GetTimestamp();
        // Not the poll's cancellation: the check is shared with the polls that wait on it.
        var report = await checks.CheckHealthAsync(c => c.Tags.Contains("ready"), CancellationToken.None);
        var ready = report.Status != HealthStatus.Unhealthy;
        var answer = new Answer(ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable, HealthEndpoints.Json(report), at);
        Volatile.Write(ref _ready, ready ? answer : null);
        return answer;
    }
}

internal static class HealthEndpoints
{
    public static IServiceCollection AddPaydeskHealth(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<DatabaseReady>("database", tags: ["ready"])
            .AddCheck<KeyRingReady>("dataProtection", tags: ["ready"])
            .AddCheck<TenantIsolation>("tenantIsolation", tags: ["ready"]);
        services.AddSingleton<Readiness>();
        return services;
    }

    public static void MapPaydeskHealth(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).ExcludeFromDescription();
        app.MapGet("/health/ready", async (HttpContext http, Readiness readiness) =>
        {
            var answer = await readiness.AnswerAsync();
            http.Response.StatusCode = answer.Status;
            // As the framework's health endpoints answer: never cached on the way.
            http.Response.Headers.CacheControl = "no-store, no-cache";
            http.Response.Headers.Pragma = "no-cache";
            http.Response.Headers.Expires = "Thu, 01 Jan 1970 00:00:00 GMT";
            http.Response.ContentType = "application/json; charset=utf-8";
            await http.Response.Body.WriteAsync(answer.Json);
        }).ExcludeFromDescription();
    }

    /// <summary>
    /// <c>{"status": "healthy", "checks": {"database": {…}, "dataProtection": {"status", "description", "keyRingPath", …}}}</c>:
    /// each check's status, its description and its data; exceptions stay in the log.
    /// </summary>
    private static readonly System.Text.Json.JsonSerializerOptions JsonOptions = new(System.Text.Json.JsonSerializerDefaults.Web);

    internal static byte[] Json(HealthReport report)
    {
        var checks = new Dictionary<string, Dictionary<string, object?>>();
        foreach (var (name, entry) in report.Entries)
        {
            var check = new Dictionary<string, object?> { ["status"] = StatusOf(entry.Status) };
            if (entry.Description is not null) check["description"] = entry.Description;
            foreach (var (key, value) in entry.Data) check[key] = value;
            checks[name] = check;
        }
        return System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(
            new Dictionary<string, object> { ["status"] = StatusOf(report.Status), ["checks"] = checks }, JsonOptions);
    }

    private static string StatusOf(HealthStatus status) => status.ToString().ToLowerInvariant();
}
