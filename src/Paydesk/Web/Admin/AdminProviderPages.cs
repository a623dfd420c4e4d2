using Microsoft.EntityFrameworkCore;
using Paydesk.Api;
using Paydesk.Payments;
using Paydesk.Storage;
using Paydesk.Tenancy;

namespace Paydesk.Web.Admin;

/// <summary>
/// <c>/admin/{tenant}/providers</c>: the tenant's fiscal receipts (54-FZ: on or off, tax regime,
/// VAT rate, through <see cref="SaveTenantSettings"/>) and its accounts at its payment providers, for
/// its admins — add one, change its name, mode or credentials, make it the default, disable or enable
/// it — through <see cref="SaveProviderAccount"/>, as the API does, each written to the audit log
/// with the account as the API shows it (which credentials are set, never what they are).
/// </summary>
internal static class AdminProviderPages
{
    public static void MapProviderPages(this RouteGroupBuilder admin)
    {
        admin.MapGet("/providers", async (string slug, string? done, string? ok, string? error, HttpContext http, PaydeskDb db, SaveProviderAccount accounts,
            SaveTenantSettings settings, CancellationToken ct) =>
        {
            var opening = await AdminPages.OpenAsync(http, db, slug, ct);
            if (opening.Staff is not { } staff) return opening.Refusal(http);
            var isAdmin = staff.Role == Role.TenantAdmin;
            var rows = isAdmin
                ? (await db.ProviderAccounts.AsNoTracking().OrderBy(a => a.Provider).ThenBy(a => a.CreatedAt).ToListAsync(ct)).Select(accounts.View).ToList()
                : [];
            var adminWords = AdminWords.All.For(staff.Frame.Culture);
            return HtmlPages.Page<ProviderAccountsView>(http, new
            {
                Frame = staff.Frame, IsAdmin = isAdmin, Accounts = rows, Tenant = await settings.ReadAsync(ct),
                Notice = isAdmin ? error ?? ok ?? (done is null ? null : adminWords.Done) : adminWords.AdminOnly, NoticeIsError = !isAdmin || error is not null,
            });
        });

        admin.MapPost("/providers", async (string slug, HttpContext http, PaydeskDb db, SaveProviderAccount accounts, Audit audit, CancellationToken ct) =>
        {
            var (act, refusal) = await AdminPages.ActAsync(http, db, slug, "providers", ct);
            if (act is null) return refusal;
            var kind = ProviderKind.Find(act.Form["provider"].ToString());
            var created = await accounts.Create(new ProviderAccountInput(act.Form["provider"].ToString(), act.Form["name"].ToString(), act.Form["mode"].ToString(),
                kind is null ? null : CredentialsIn(act.Form, kind), Given(act.Form, "login"), Given(act.Form, "hashAlgorithm"), null), ct);
            if (created.Problem is { } problem) return Back(act, problem);
            await audit.RecordAsync(db, act.Staff.User, "add-provider-account", "provider-account", created.Value!.Id, null, created.Value, ct);
            return Results.LocalRedirect($"{act.Back}?done=add");
        });

        admin.MapPost("/providers/receipts", async (string slug, HttpContext http, PaydeskDb db, SaveTenantSettings settings, Audit audit, CancellationToken ct) =>
        {
            var (act, refusal) = await AdminPages.ActAsync(http, db, slug, "providers", ct);
            if (act is null) return refusal;
            var before = await settings.ReadAsync(ct);
            var on = act.Form["fiscalReceipts"].ToString() == "true";
            var changed = await settings.Update(new TenantSettingsInput(null, null, on, on ? Given(act.Form, "taxation") : null, on ? Given(act.Form, "vat") : null), ct);
            if (changed.Problem is { } problem) return Back(act, problem);
            await audit.RecordAsync(db, act.Staff.User, "set-fiscal-receipts", "tenant", before.Id,
                new { before.FiscalReceipts, before.Taxation, before.Vat }, new { changed.Value!.FiscalReceipts, changed.Value.Taxation, changed.Value.Vat }, ct);
            return Results.LocalRedirect($"{act.Back}?done=receipts");
        });

        admin.MapPost("/providers/{id}", async (string slug, string id, HttpContext http, PaydeskDb db, SaveProviderAccount accounts, Audit audit,
            ProviderRegistry providers, CancellationToken ct) =>
        {
            var (act, refusal) = await AdminPages.ActAsync(http, db, slug, "providers", ct);
            if (act is null) return refusal;
            if (act.Form["action"].ToString() == "check")
            {
                var check = await accounts.CheckAsync(id, providers, ct);
                if (check.Problem is not null) return Results.NotFound();
                var said = Uri.EscapeDataString(check.Value!.Detail);
                return Results.LocalRedirect(check.Value.Ok ? $"{act.Back}?ok={said}" : $"{act.Back}?error={said}");
            }
            if (await db.ProviderAccounts.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct) is not { } account) return Results.NotFound();
            var before = accounts.View(account);
            var kind = ProviderKind.Find(account.Provider);
            var input = act.Form["action"].ToString() switch
            {
                "default" => new ProviderAccountInput(null, null, null, null, null, null, IsDefault: true),
                _ => new ProviderAccountInput(null, Given(act.Form, "name"), Given(act.Form, "mode"), kind is null ? null : CredentialsIn(act.Form, kind),
                    Given(act.Form, "login"), Given(act.Form, "hashAlgorithm"), null),
            };
            var action = act.Form["action"].ToString() switch { "disable" => "disable", "enable" => "enable", _ => null };
            var changed = action is null ? await accounts.Update(id, input, ct) : await accounts.SetEnabled(id, action == "enable", ct);
            if (changed.Problem is { } problem) return Back(act, problem);
            await audit.RecordAsync(db, act.Staff.User, $"{action ?? "change"}-provider-account", "provider-account", id, before, changed.Value, ct);
            return Results.LocalRedirect($"{act.Back}?done={action ?? "change"}");
        });
    }

    /// <summary>The credentials the form filled in; one left empty is not sent, so the one set is kept.</summary>
    private static Dictionary<string, string?> CredentialsIn(IFormCollection form, ProviderKind kind) =>
        kind.Credentials.Select(c => (c.Name, Value: form[$"credential-{c.Name}"].ToString()))
            .Where(c => c.Value.Length > 0).ToDictionary(c => c.Name, c => (string?)c.Value);

    private static string? Given(IFormCollection form, string field) => form[field].ToString() is { Length: > 0 } value ? value : null;

    private static IResult Back(AdminPages.AdminAction act, Problem problem) =>
        Results.LocalRedirect($"{act.Back}?error={Uri.EscapeDataString(problem.Explained)}");
}
