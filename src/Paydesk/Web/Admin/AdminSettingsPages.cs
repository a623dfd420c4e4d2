using Microsoft.EntityFrameworkCore;
using Paydesk.Api;
using Paydesk.Invoices;
using Paydesk.Jobs;
using Paydesk.Storage;
using Paydesk.Tenancy;

namespace Paydesk.Web.Admin;

public sealed record ApiKeyRow(string Id, string Name, string Role, string Hint, string Created, string Expires, string? Revoked);

public sealed record JobRow(string Id, string Kind, string Subject, string State, string Tone, int Attempts, string When, string LastError, bool Dead);

/// <summary>
/// The back office's API keys (<c>/admin/{tenant}/api-keys</c>, the tenant's admins only) and jobs
/// (<c>/admin/{tenant}/jobs</c>, its staff too): the same lists the API gives, and the same commands
/// (<see cref="IssueApiKey"/>, <see cref="JobQueue.RetryAsync"/>), each written to the audit log.
/// A new key's secret is in the answer to the form that made it, and nowhere else: not in an
/// address, the audit log or the database.
/// </summary>
internal static class AdminSettingsPages
{
    public static void MapKeyPages(this RouteGroupBuilder admin)
    {
        admin.MapGet("/api-keys", async (string slug, string? done, string? error, HttpContext http, PaydeskDb db, CancellationToken ct) =>
        {
            var opening = await AdminPages.OpenAsync(http, db, slug, ct);
            if (opening.Staff is not { } staff) return opening.Refusal(http);
            var w = AdminSettingsWords.All.For(staff.Frame.Culture);
            return await KeysPageAsync(http, db, staff, newSecret: null, error ?? (done == "revoke" ? w.KeyRevoked : null), error is not null, ct);
        });

        // The answer is the page itself, with the secret, not a redirect: nothing to go back to shows it again.
        admin.MapPost("/api-keys", async (string slug, HttpContext http, PaydeskDb db, IssueApiKey issue, Audit audit, CancellationToken ct) =>
        {
            var (act, refusal) = await AdminPages.ActAsync(http, db, slug, $"api-keys", ct);
            if (act is null) return refusal;
            var (staff, form, back) = act;
            var created = await issue.CreateAsync(new NewApiKey(form["name"].ToString(), form["role"].ToString()), ct);
            if (created.Problem is { } problem) return Results.LocalRedirect($"{back}?error={Uri.EscapeDataString(problem.Detail ?? problem.Title)}");
            var (key, secret) = created.Value!;
            await audit.RecordAsync(db, staff.User, "create-api-key", "api-key", key.Id, null, ApiKeyView.From(key), ct);
            return await KeysPageAsync(http, db, staff, secret, notice: null, noticeIsError: false, ct);
        });

        admin.MapPost("/api-keys/{id}/revoke", async (string slug, string id, HttpContext http, PaydeskDb db, IssueApiKey issue, Audit audit, CancellationToken ct) =>
        {
            var (act, refusal) = await AdminPages.ActAsync(http, db, slug, $"api-keys", ct);
            if (act is null) return refusal;
            var (staff, _, back) = act;
            // Only the keys the page lists: the customers' sessions are revoked where they are.
            var before = await db.ApiKeys.AsNoTracking().FirstOrDefaultAsync(k => k.Id == id && k.Role != Role.Customer, ct);
            if (before is null) return Results.NotFound();
            var revoked = await issue.RevokeAsync(id, ct);
            if (revoked.Problem is { } problem) return Results.LocalRedirect($"{back}?error={Uri.EscapeDataString(problem.Detail ?? problem.Title)}");
            await audit.RecordAsync(db, staff.User, "revoke-api-key", "api-key", id, ApiKeyView.From(before), ApiKeyView.From(revoked.Value!), ct);
            return Results.LocalRedirect($"{back}?done=revoke");
        });
    }

    public static void MapJobPages(this RouteGroupBuilder admin)
    {
        admin.MapGet("/jobs", async (string slug, string? done, string? error, HttpContext http, PaydeskDb db, CancellationToken ct) =>
        {
            var opening = await AdminPages.OpenAsync(http, db, slug, ct);
            if (opening.Staff is not { } staff) return opening.Refusal(http);
            var culture = staff.Frame.Culture;
            var w = AdminSettingsWords.All.For(culture);
            var zone = Display.Zone(staff.Tenant.TimeZone);
            // What waits for a person first, then the newest.
            var jobs = await db.Jobs.AsNoTracking().OrderBy(j => j.State == JobState.Dead ? 0 : 1).ThenByDescending(j => j.CreatedAt).Take(200).ToListAsync(ct);
            return HtmlPages.Page<JobsView>(http, new
            {
                Frame = staff.Frame,
                Rows = jobs.Select(j => new JobRow(Uri.EscapeDataString(j.Id), j.Kind, j.Payload, w.States[j.State],
                    j.State switch { JobState.Done => "good", JobState.Dead => "bad", _ => "warn" }, j.Attempts,
                    Display.Time(j.FinishedAt ?? j.DueAt, zone, culture), j.LastError ?? "", j.State == JobState.Dead)).ToList(),
                Notice = error ?? (done == "retry" ? w.JobRetried : null), NoticeIsError = error is not null,
            });
        });

        admin.MapPost("/jobs/{id}/retry", async (string slug, string id, HttpContext http, PaydeskDb db, JobQueue queue, Audit audit, CancellationToken ct) =>
        {
            var opening = await AdminPages.OpenAsync(http, db, slug, ct);
            if (opening.Staff is not { } staff) return opening.Refusal(http);
            if (await Visitors.FormAsync(http, ct) is null) return Results.BadRequest();
            var before = await db.Jobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == id, ct);
            if (before is null) return Results.NotFound();
            var back = $"{staff.Frame.Root}/jobs";
            var retried = await queue.RetryAsync(db, id, ct);
            if (retried.Problem is { } problem) return Results.LocalRedirect($"{back}?error={Uri.EscapeDataString(problem.Detail ?? problem.Title)}");
            await audit.RecordAsync(db, staff.User, "retry-job", "job", id, JobView.From(before), JobView.From(retried.Value!), ct);
            return Results.LocalRedirect($"{back}?done=retry");
        });
    }

    private static async Task<IResult> KeysPageAsync(HttpContext http, PaydeskDb db, AdminPages.Staff staff, string? newSecret, string? notice, bool noticeIsError,
        CancellationToken ct)
    {
        var culture = staff.Frame.Culture;
        if (staff.Role != Role.TenantAdmin)
            return HtmlPages.Page<ApiKeysView>(http, new { Frame = staff.Frame, Rows = Array.Empty<ApiKeyRow>(), IsAdmin = false, Notice = AdminWords.All.For(culture).AdminOnly, NoticeIsError = true });
        var w = AdminSettingsWords.All.For(culture);
        var zone = Display.Zone(staff.Tenant.TimeZone);
        // The API's list: the keys of staff and admins, never the customers' sessions, never a secret.
        var keys = await db.ApiKeys.AsNoTracking().Where(k => k.Role != Role.Customer).OrderByDescending(k => k.CreatedAt).Take(200).ToListAsync(ct);
        return HtmlPages.Page<ApiKeysView>(http, new
        {
            Frame = staff.Frame, IsAdmin = true, NewSecret = newSecret, Notice = notice, NoticeIsError = noticeIsError,
            Rows = keys.Select(k => new ApiKeyRow(Uri.EscapeDataString(k.Id), k.Name, k.Role == Role.TenantAdmin ? w.Admin : w.Staff, k.Hint,
                Display.Time(k.CreatedAt, zone, culture), k.ExpiresAt is { } expires ? Display.Time(expires, zone, culture) : w.Never,
                k.RevokedAt is { } revoked ? Display.Time(revoked, zone, culture) : null)).ToList(),
        });
    }
}
