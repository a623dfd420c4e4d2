using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Paydesk.Api;
using Paydesk.Api.Pages;
using Paydesk.Core;
using Paydesk.Entitlements;
using Paydesk.Invoices;
using Paydesk.Jobs;
using Paydesk.Orders;
using Paydesk.Payments;
using Paydesk.Storage;
using Paydesk.Tenancy;
using Paydesk.Web.Clinics;

namespace Paydesk.Web.Admin;

/// <summary>What every back-office page knows: whose it is, in which language, where it lives.</summary>
public sealed record AdminFrame(CultureInfo Culture, string Merchant, string Root);

public sealed record OrderRow(string Id, string Customer, string What, string Total, string Status, string Tone, string Created);

public sealed record PaymentRow(string Id, string Amount, string Currency, string Status, string? Refunded, string? Refundable);

/// <summary>
/// <c>/admin/{tenant}</c>: the tenant's back office, for its admins and staff signed in on the
/// pages. Anyone else signed in gets a 404 — as for a tenant that does not exist — and no one
/// signed in is sent to sign in. Every action is a form with its anti-forgery token, goes through
/// the same command the API uses, and is written to the audit log (<see cref="Audit"/>) with the
/// record before and after; then the browser is sent back to the page (post, redirect, get).
/// </summary>
internal static partial class AdminPages
{
    public static void MapAdminPages(this WebApplication app)
    {
        var admin = app.MapGroup("/admin/{slug}").ExcludeFromDescription();
        admin.MapPaymentPages();
        admin.MapShipmentPages();
        admin.MapSubscriptionPages();
        admin.MapKeyPages();
        admin.MapProviderPages();
        admin.MapJobPages();

        admin.MapGet("/", async (string slug, HttpContext http, PaydeskDb db, TimeProvider time, CancellationToken ct) =>
        {
            var opening = await OpenAsync(http, db, slug, ct);
            if (opening.Staff is not { } staff) return opening.Refusal(http);
            var (tenant, frame, _) = staff;
            var zone = Display.Zone(tenant.TimeZone);
            var startOfDay = NodaTime.Instant.FromDateTimeOffset(time.GetUtcNow()).InZone(zone).Date.AtStartOfDayInZone(zone).ToDateTimeOffset();
            var received = await db.Payments.AsNoTracking()
                .Where(p => p.SettledAt >= startOfDay && (p.Status == PaymentStatus.Succeeded || p.Status == PaymentStatus.PartiallyRefunded || p.Status == PaymentStatus.Refunded))
                .GroupBy(p => p.Currency).Select(g => new { Currency = g.Key, Minor = g.Sum(p => p.AmountMinor - p.RefundedMinor) }).ToListAsync(ct);
            var revenue = received.Count == 0 ? Display.Amount(0, tenant.DefaultCurrency, frame.Culture)
                : string.Join(" + ", received.OrderBy(r => r.Currency).Select(r => Display.Amount(r.Minor, r.Currency, frame.Culture)));
            var w = AdminWords.All.For(frame.Culture);
            var byStatus = (await db.Payments.AsNoTracking().GroupBy(p => p.Status).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct))
                .OrderBy(s => s.Key).Select(s => (w.PaymentStatuses[s.Key], s.Count)).ToList();
            var failed = await FailedActivations(db).CountAsync(ct);
            var dead = await db.Jobs.AsNoTracking().CountAsync(j => j.TenantId == tenant.Id && j.State == JobState.Dead, ct);
            return HtmlPages.Page<DashboardView>(http, new { Frame = frame, Revenue = revenue, FailedActivations = failed, DeadJobs = dead, ByStatus = byStatus });
        });

        admin.MapGet("/orders", async (string slug, bool? failed, HttpContext http, PaydeskDb db, CancellationToken ct) =>
        {
            var opening = await OpenAsync(http, db, slug, ct);
            if (opening.Staff is not { } staff) return opening.Refusal(http);
            var query = failed == true ? FailedActivations(db) : db.Orders.AsNoTracking().Include(o => o.Lines);
            var orders = await query.OrderByDescending(o => o.CreatedAt).Take(100).ToListAsync(ct);
            return HtmlPages.Page<OrdersView>(http, new { Frame = staff.Frame, Rows = await RowsAsync(db, staff, orders, ct), Failed = failed == true });
        });

        admin.MapGet("/orders/{id}", async (string slug, string id, string? done, string? error, HttpContext http, PaydeskDb db, CancellationToken ct) =>
        {
            var opening = await OpenAsync(http, db, slug, ct);
            if (opening.Staff is not { } staff) return opening.Refusal(http);
            var order = await db.Orders.AsNoTracking().Include(o => o.Lines).FirstOrDefaultAsync(o => o.Id == id, ct);
            if (order is null) return Results.NotFound();
            var (tenant, frame, _) = staff;
            var culture = frame.Culture;
            var w = AdminWords.All.For(culture);
            var source = OrderPurpose.SourceOf(order);
            var granted = await db.Entitlements.AsNoTracking().Where(e => e.SourceKind == source.Kind && e.SourceId == source.Id).ToListAsync(ct);
            var names = await EntitlementWords.NamesAsync(db, granted, ct);
            var zone = Display.Zone(tenant.TimeZone);
            var payments = await db.Payments.AsNoTracking().Where(p => p.Purpose == OrderPurpose.For(order.Id)).OrderBy(p => p.CreatedAt).ToListAsync(ct);
            var currency = Currency.Parse(order.Currency);
            string Major(long minor) => new Money(minor, currency).ToMajor().ToString("F" + currency.Exponent.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
            var rows = payments.Select(p => new PaymentRow(p.Id, Display.Amount(p.AmountMinor, p.Currency, culture), p.Currency, w.PaymentStatuses[p.Status],
                p.RefundedMinor > 0 ? Display.Amount(p.RefundedMinor, p.Currency, culture) : null,
                staff.Role == Role.TenantAdmin && p.Status is PaymentStatus.Succeeded or PaymentStatus.PartiallyRefunded && p.AmountMinor > p.RefundReservedMinor
                    ? Major(p.AmountMinor - p.RefundReservedMinor) : null)).ToList();
            var failedNow = order.FulfilledAt is null && order.FulfilmentAttempts > 0 && order.Status is OrderStatus.Paid or OrderStatus.PartiallyRefunded;
            var job = failedNow ? await db.Jobs.AsNoTracking().FirstOrDefaultAsync(j => j.Key == JobQueue.KeyOf(FulfilOrder.JobKind, order.Id), ct) : null;
            var tries = $"{w.Tries(order.FulfilmentAttempts)} " + job?.State switch
            {
                JobState.Queued => w.NextTry(Display.Time(job.DueAt, zone, culture)),
                JobState.Running => w.TryingNow,
                _ => w.NoMoreTries,
            };
            return HtmlPages.Page<OrderView>(http, new
            {
                Frame = frame, OrderId = Uri.EscapeDataString(order.Id), Order = (await RowsAsync(db, staff, [order], ct))[0],
                ActivationError = failedNow && staff.Role == Role.TenantAdmin ? order.FulfilmentError ?? "" : null, ActivationTries = tries,
                Entitlements = granted.Select(e => $"{EntitlementWords.Describe(e, EntitlementWords.NameOf(e, names), zone, culture, countLeft: true)} · {e.Status.ToApi()}").ToList(),
                Payments = rows, Notice = error ?? done switch { null => null, "retry" => w.RetryQueued, _ => w.Done }, NoticeIsError = error is not null,
            });
        });

        admin.MapPost("/orders/{id}/refund", async (string slug, string id, HttpContext http, PaydeskDb db, RequestRefund refunds, IdempotencyContext request,
            JobRunner jobs, Audit audit, CancellationToken ct) =>
        {
            var (act, refusal) = await ActAsync(http, db, slug, $"orders/{Uri.EscapeDataString(id)}", ct);
            if (act is null) return refusal;
            var (staff, form, back) = act;
            var w = AdminWords.All.For(staff.Frame.Culture);
            var paymentId = form["payment"].ToString();
            var payment = await db.Payments.AsNoTracking().FirstOrDefaultAsync(p => p.Id == paymentId && p.Purpose == OrderPurpose.For(id), ct);
            if (payment is null) return Results.NotFound();
            var amount = ParseMajor(form["amount"].ToString(), Currency.Parse(payment.Currency));
            if (amount is null) return Results.LocalRedirect($"{back}?error={Uri.EscapeDataString(w.AmountInvalid)}");
            // The form's one-time number: the same form sent twice (a double click) refunds once.
            request.Key = "page:" + form["nonce"].ToString();
            var reason = form["reason"].ToString().Trim();
            var requested = await refunds.Run(paymentId, new RefundInput(new MoneyInput(amount, payment.Currency), reason.Length == 0 ? null : reason), ct);
            if (requested.Problem is { } problem)
                return Results.LocalRedirect($"{back}?error={Uri.EscapeDataString(problem.Message)}");
            await jobs.RunNowAsync(db, JobQueue.KeyOf(ExecuteRefund.JobKind, requested.Value!.Id), ct);
            db.ChangeTracker.Clear();
            var after = await db.Payments.AsNoTracking().FirstAsync(p => p.Id == paymentId, ct);
            await audit.RecordAsync(db, staff.User, "refund", "payment", paymentId,
                new { status = payment.Status.ToApi(), refundedMinor = payment.RefundedMinor },
                new { status = after.Status.ToApi(), refundedMinor = after.RefundedMinor, refund = requested.Value.Id, amountMinor = amount, reason = requested.Value.Reason }, ct);
            return Results.LocalRedirect($"{back}?done=refund");
        });

        admin.MapPost("/orders/{id}/activate", async (string slug, string id, HttpContext http, PaydeskDb db, FulfilOrder fulfil, Audit audit, CancellationToken ct) =>
        {
            var (act, refusal) = await ActAsync(http, db, slug, $"orders/{Uri.EscapeDataString(id)}", ct);
            if (act is null) return refusal;
            var (staff, _, back) = act;
            var before = await db.Orders.AsNoTracking().FirstOrDefaultAsync(o => o.Id == id, ct);
            if (before is null) return Results.NotFound();
            var outcome = await fulfil.RunAsync(id, retryAt: null, ct);
            db.ChangeTracker.Clear();
            var after = await db.Orders.AsNoTracking().FirstAsync(o => o.Id == id, ct);
            await audit.RecordAsync(db, staff.User, "activate", "order", id,
                new { status = before.Status.ToApi(), error = before.FulfilmentError }, new { status = after.Status.ToApi(), error = after.FulfilmentError, outcome = outcome.ToString() }, ct);
            return Results.LocalRedirect(after.FulfilledAt is null ? $"{back}?error={Uri.EscapeDataString(after.FulfilmentError ?? outcome.ToString())}" : $"{back}?done=activate");
        });

        admin.MapPost("/orders/{id}/retry", async (string slug, string id, HttpContext http, PaydeskDb db, JobQueue jobs, Audit audit, CancellationToken ct) =>
        {
            var (act, refusal) = await ActAsync(http, db, slug, $"orders/{Uri.EscapeDataString(id)}", ct);
            if (act is null) return refusal;
            var (staff, _, back) = act;
            var order = await db.Orders.AsNoTracking().FirstOrDefaultAsync(o => o.Id == id, ct);
            if (order is null) return Results.NotFound();
            // Nothing to retry: done meanwhile, or refunded; the page says which.
            if (!FulfilOrder.AwaitsFulfilment(order)) return Results.LocalRedirect(back);
            var key = JobQueue.KeyOf(FulfilOrder.JobKind, id);
            var before = await db.Jobs.AsNoTracking().FirstOrDefaultAsync(j => j.Key == key, ct);
            var job = await jobs.EnqueueAsync(db, FulfilOrder.JobKind, id, dueAt: null, ct);
            await db.SaveChangesAsync(ct);
            await audit.RecordAsync(db, staff.User, "retry-activation", "order", id,
                new { job = before?.State.ToString().ToLowerInvariant(), dueAt = before?.DueAt, error = order.FulfilmentError },
                new { job = job.State.ToString().ToLowerInvariant(), dueAt = job.DueAt }, ct);
            return Results.LocalRedirect($"{back}?done=retry");
        });

        admin.MapGet("/customers", async (string slug, HttpContext http, PaydeskDb db, CancellationToken ct) =>
        {
            var opening = await OpenAsync(http, db, slug, ct);
            if (opening.Staff is not { } staff) return opening.Refusal(http);
            var zone = Display.Zone(staff.Tenant.TimeZone);
            var customers = await db.Customers.AsNoTracking().Where(c => c.ArchivedAt == null).OrderByDescending(c => c.CreatedAt).Take(200).ToListAsync(ct);
            return HtmlPages.Page<CustomersView>(http, new
            {
                Frame = staff.Frame,
                Rows = customers.Select(c => (c.Id, c.Name, c.Email ?? "", Display.Date(c.CreatedAt, zone, staff.Frame.Culture))).ToList(),
            });
        });

        admin.MapGet("/customers/{id}", async (string slug, string id, string? done, HttpContext http, PaydeskDb db, Payments.SavedMethods saved,
            TimeProvider time, CancellationToken ct) =>
        {
            var opening = await OpenAsync(http, db, slug, ct);
            if (opening.Staff is not { } staff) return opening.Refusal(http);
            var customer = await db.Customers.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct);
            if (customer is null) return Results.NotFound();
            var culture = staff.Frame.Culture;
            var zone = Display.Zone(customer.TimeZone, staff.Tenant.TimeZone);
            var now = time.GetUtcNow();
            var held = (await db.Entitlements.AsNoTracking().Where(e => e.CustomerId == id && e.Status == EntitlementStatus.Active).OrderBy(e => e.CreatedAt).ToListAsync(ct))
                .Where(e => e.EndsAt is null || e.EndsAt > now).ToList();
            var names = await EntitlementWords.NamesAsync(db, held, ct);
            var heldIds = held.Select(e => e.Id).ToList();
            var uses = await db.SessionUses.AsNoTracking().Where(u => heldIds.Contains(u.EntitlementId)).OrderByDescending(u => u.CreatedAt).Take(50).ToListAsync(ct);
            var orders = await db.Orders.AsNoTracking().Include(o => o.Lines).Where(o => o.CustomerId == id).OrderByDescending(o => o.CreatedAt).Take(50).ToListAsync(ct);
            var describe = held.ToDictionary(e => e.Id, e => EntitlementWords.Describe(e, EntitlementWords.NameOf(e, names), zone, culture, countLeft: true));
            return HtmlPages.Page<CustomerView>(http, new
            {
                Frame = staff.Frame, CustomerId = Uri.EscapeDataString(id), customer.Name, Email = customer.Email ?? "",
                Entitlements = held.Select(e => (Uri.EscapeDataString(e.Id), describe[e.Id], e.Kind == EntitlementKind.Sessions && e.SessionsUsed < (e.SessionsTotal ?? 0))).ToList(),
                Uses = uses.Select(u => (Uri.EscapeDataString(u.Id), Uri.EscapeDataString(u.EntitlementId),
                    $"{Display.Date(u.UsedAt, zone, culture)} — {describe.GetValueOrDefault(u.EntitlementId, u.EntitlementId)}", u.UndoneAt is not null)).ToList(),
                Orders = await RowsAsync(db, staff, orders, ct),
                Cards = (await saved.OfAsync(id, ct)).Select(m => CardText.Of(m, CardText.Expiry)).ToList(),
                Notice = done is null ? null : AdminWords.All.For(culture).Done,
            });
        });

        admin.MapPost("/customers/{id}/entitlements/{entitlementId}/use", async (string slug, string id, string entitlementId, HttpContext http, PaydeskDb db,
            UseSession sessions, TimeProvider time, Audit audit, CancellationToken ct) =>
        {
            var opening = await OpenAsync(http, db, slug, ct);
            if (opening.Staff is not { } staff) return opening.Refusal(http);
            if (await Visitors.FormAsync(http, ct) is null) return Results.BadRequest();
            var before = await db.Entitlements.AsNoTracking().FirstOrDefaultAsync(e => e.Id == entitlementId && e.CustomerId == id, ct);
            if (before is null) return Results.NotFound();
            var used = await sessions.UseAsync(entitlementId, new UseInput(null, null, null), ct);
            if (used.Problem is null)
            {
                db.ChangeTracker.Clear();
                var after = await db.Entitlements.AsNoTracking().FirstAsync(e => e.Id == entitlementId, ct);
                await audit.RecordAsync(db, staff.User, "use-session", "entitlement", entitlementId,
                    EntitlementView.From(before, time.GetUtcNow()), EntitlementView.From(after, time.GetUtcNow()), ct);
            }
            return Results.LocalRedirect($"{staff.Frame.Root}/customers/{Uri.EscapeDataString(id)}?done=use");
        });

        admin.MapPost("/customers/{id}/entitlements/{entitlementId}/uses/{useId}/undo", async (string slug, string id, string entitlementId, string useId,
            HttpContext http, PaydeskDb db, UseSession sessions, TimeProvider time, Audit audit, CancellationToken ct) =>
        {
            var opening = await OpenAsync(http, db, slug, ct);
            if (opening.Staff is not { } staff) return opening.Refusal(http);
            if (await Visitors.FormAsync(http, ct) is null) return Results.BadRequest();
            var before = await db.Entitlements.AsNoTracking().FirstOrDefaultAsync(e => e.Id == entitlementId && e.CustomerId == id, ct);
            if (before is null) return Results.NotFound();
            var undone = await sessions.UndoAsync(entitlementId, useId, ct);
            if (undone.Problem is null)
            {
                db.ChangeTracker.Clear();
                var after = await db.Entitlements.AsNoTracking().FirstAsync(e => e.Id == entitlementId, ct);
                await audit.RecordAsync(db, staff.User, "undo-session-use", "entitlement", entitlementId,
                    EntitlementView.From(before, time.GetUtcNow()), EntitlementView.From(after, time.GetUtcNow()), ct);
            }
            return Results.LocalRedirect($"{staff.Frame.Root}/customers/{Uri.EscapeDataString(id)}?done=undo");
        });

        admin.MapCatalogPages();

        admin.MapGet("/audit", async (string slug, HttpContext http, PaydeskDb db, CancellationToken ct) =>
        {
            var opening = await OpenAsync(http, db, slug, ct);
            if (opening.Staff is not { } staff) return opening.Refusal(http);
            var zone = Display.Zone(staff.Tenant.TimeZone);
            var entries = await db.AuditEntries.AsNoTracking().OrderByDescending(a => a.At).Take(200).ToListAsync(ct);
            return HtmlPages.Page<AuditView>(http, new
            {
                Frame = staff.Frame,
                Rows = entries.Select(a => (
                    Display.Time(a.At, zone, staff.Frame.Culture),
                    a.ActorEmail, a.Action, $"{a.SubjectKind} {a.SubjectId}", a.Before ?? "", a.After ?? "")).ToList(),
            });
        });
    }

    internal sealed record Staff(Tenant Tenant, AdminFrame Frame, Role Role)
    {
        public User User { get; init; } = null!;
    }

    internal sealed record Opening(Staff? Staff, bool SignedIn)
    {
        /// <summary>Signed in as someone who is not the tenant's staff: a 404, as for no such tenant. Not signed in: to sign-in, and back.</summary>
        public IResult Refusal(HttpContext http) => SignedIn
            ? Results.NotFound()
            : Results.LocalRedirect($"/sign-in?back={Uri.EscapeDataString(http.Request.Path + http.Request.QueryString)}");
    }

    internal static async Task<Opening> OpenAsync(HttpContext http, PaydeskDb db, string slug, CancellationToken ct)
    {
        var visitor = await Visitors.OfAsync(http, db, ct);
        var tenant = await Visitors.TenantAsync(db, slug, ct);
        if (tenant is null || visitor.User is null || visitor.StaffRoleIn(tenant.Id) is not { } role) return new Opening(null, visitor.SignedIn);
        db.Tenant.Set(tenant.Id, role);
        var frame = new AdminFrame(PageLanguage.Of(http), tenant.Name, $"/admin/{Uri.EscapeDataString(tenant.Slug)}");
        return new Opening(new Staff(tenant, frame, role) { User = visitor.User }, true);
    }

    /// <summary>An admin's action posted from a page: who acts, what they sent, and the page to go back to.</summary>
    internal sealed record AdminAction(Staff Staff, IFormCollection Form, string Back);

    /// <summary>
    /// The start of every admin action posted from a page: the tenant's staff signed in (else the
    /// refusal), a form with its anti-forgery token (else a 400), and an admin (else back to
    /// <paramref name="page"/>, under the tenant's root, saying so). The action, or the answer instead.
    /// </summary>
    internal static async Task<(AdminAction? Action, IResult Refusal)> ActAsync(HttpContext http, PaydeskDb db, string slug, string page, CancellationToken ct)
    {
        var opening = await OpenAsync(http, db, slug, ct);
        if (opening.Staff is not { } staff) return (null, opening.Refusal(http));
        if (await Visitors.FormAsync(http, ct) is not { } form) return (null, Results.BadRequest());
        var back = $"{staff.Frame.Root}/{page}";
        if (staff.Role != Role.TenantAdmin)
            return (null, Results.LocalRedirect($"{back}?error={Uri.EscapeDataString(AdminWords.All.For(staff.Frame.Culture).AdminOnly)}"));
        return (new AdminAction(staff, form, back), Results.Empty);
    }

    /// <summary>The failed activations: paid (perhaps refunded in part), not fulfilled, at least one failed try.</summary>
    private static IQueryable<Order> FailedActivations(PaydeskDb db) =>
        db.Orders.AsNoTracking().Include(o => o.Lines)
            .Where(o => (o.Status == OrderStatus.Paid || o.Status == OrderStatus.PartiallyRefunded) && o.FulfilledAt == null && o.FulfilmentAttempts > 0);

    private static async Task<List<OrderRow>> RowsAsync(PaydeskDb db, Staff staff, IReadOnlyList<Order> orders, CancellationToken ct)
    {
        var culture = staff.Frame.Culture;
        var zone = Display.Zone(staff.Tenant.TimeZone);
        var ids = orders.Select(o => o.CustomerId).Distinct().ToList();
        var names = await db.Customers.AsNoTracking().Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Name, ct);
        var statuses = ClinicWords.All.For(culture).Statuses;
        return orders.Select(o => new OrderRow(o.Id, names.GetValueOrDefault(o.CustomerId, o.CustomerId), o.SummaryIn(culture),
            Display.Amount(o.TotalMinor, o.Currency, culture), statuses[o.Status],
            ClinicWords.Tone(o.Status),
            Display.Date(o.CreatedAt, zone, culture))).ToList();
    }

    /// <summary>"250", "250.5", "250,50" in the currency's major units, as minor units; null when it is not such a number.</summary>
    internal static long? ParseMajor(string text, Currency currency)
    {
        var normal = text.Trim().Replace(" ", "", StringComparison.Ordinal).Replace(',', '.');
        if (!decimal.TryParse(normal, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var major) || major <= 0) return null;
        var minor = major * (decimal)Math.Pow(10, currency.Exponent);
        return minor == decimal.Truncate(minor) && minor <= long.MaxValue ? (long)minor : null;
    }
}
