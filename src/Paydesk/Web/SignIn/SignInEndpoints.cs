using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Paydesk.Api;
using Paydesk.Api.Pages;
using Paydesk.Customers;
using Paydesk.Notifications.Email;
using Paydesk.Payments;
using Paydesk.Storage;
using Paydesk.Tenancy;

namespace Paydesk.Web.SignIn;

/// <summary>
/// Signing in on the pages. Staff and tenant admins: email and password (<c>/sign-in</c>), with a
/// reset by email. Customers: a link sent to their email (<c>/t/{tenant}/sign-in</c>), no password.
/// Every form carries an anti-forgery token; failed passwords are throttled (<see cref="SignInThrottle"/>).
/// Whether an address has an account is never told: the answer and the mail sent are the same.
/// </summary>
internal static class SignInEndpoints
{
    public static void MapSignIn(this WebApplication app)
    {
        var pages = app.MapGroup("").ExcludeFromDescription();

        pages.MapGet("/sign-in", (string? back, HttpContext http) =>
            Form(http, "sign-in", returnTo: Local(back)));

        pages.MapPost("/sign-in", async (HttpContext http, PaydeskDb db, SignInThrottle throttle, IHostEnvironment environment, CancellationToken ct) =>
        {
            if (await Visitors.FormAsync(http, ct) is not { } form) return Results.BadRequest();
            var email = form["email"].ToString().Trim();
            var password = form["password"].ToString();
            var back = Local(form["back"]);
            var w = SignInWords.All.For(PageLanguage.Of(http));
            if (!throttle.Allows(email, http))
                return Form(http, "sign-in", email, w.TooMany, error: true, back, StatusCodes.Status429TooManyRequests);
            var user = await FindUserAsync(db, email, ct);
            if (user is null) Passwords.VerifyNobody(password);
            if (user is null || !Passwords.Verify(user, password) || (password == Passwords.Demo && !environment.IsDevelopment()))
            {
                throttle.Failed(email, http);
                return Form(http, "sign-in", email, w.WrongPassword, error: true, back, StatusCodes.Status400BadRequest);
            }
            await Visitors.SignInUserAsync(http, user, await Visitors.OfAsync(http, db, ct));
            return Results.LocalRedirect(back ?? "/home");
        });

        pages.MapGet("/sign-in/forgot", (HttpContext http) => Form(http, "forgot"));

        pages.MapPost("/sign-in/forgot", async (HttpContext http, PaydeskDb db, SignInTokens tokens, PublicAddress address,
            IEmailSender mail, IOptions<EmailOptions> email, ILoggerFactory logs, CancellationToken ct) =>
        {
            if (await Visitors.FormAsync(http, ct) is not { } form) return Results.BadRequest();
            var culture = PageLanguage.Of(http);
            var w = SignInWords.All.For(culture);
            var user = await FindUserAsync(db, form["email"].ToString().Trim(), ct);
            if (user is not null)
            {
                var url = new Uri(address.Url, $"sign-in/reset?token={Uri.EscapeDataString(tokens.ForReset(user.Id, user.SecurityStamp))}");
                await SendAsync(mail, email.Value, user.Email, user.Name, w.ResetSubject, w.ResetMail(url.AbsoluteUri), w.MailIgnore, culture,
                    logs.CreateLogger(typeof(SignInEndpoints)), ct);
            }
            return Form(http, "forgot", notice: w.LinkSentText);
        });

        pages.MapGet("/sign-in/reset", async (string? token, HttpContext http, PaydeskDb db, SignInTokens tokens, CancellationToken ct) =>
            await ResetUserAsync(db, tokens, token, ct) is null
                ? Form(http, "forgot", notice: SignInWords.All.For(PageLanguage.Of(http)).LinkExpired, error: true)
                : Form(http, "reset", token: token));

        pages.MapPost("/sign-in/reset", async (HttpContext http, PaydeskDb db, SignInTokens tokens, CancellationToken ct) =>
        {
            if (await Visitors.FormAsync(http, ct) is not { } form) return Results.BadRequest();
            var w = SignInWords.All.For(PageLanguage.Of(http));
            var token = form["token"].ToString();
            var user = await ResetUserAsync(db, tokens, token, ct, tracked: true);
            if (user is null) return Form(http, "forgot", notice: w.LinkExpired, error: true);
            var password = form["password"].ToString();
            if (Passwords.Weakness(password) is not null)
                return Form(http, "reset", notice: w.PasswordTooShort(Passwords.MinLength), error: true, token: token, status: StatusCodes.Status400BadRequest);
            Passwords.Set(user, password);
            await db.SaveChangesAsync(ct);
            await Visitors.SignInUserAsync(http, user, await Visitors.OfAsync(http, db, ct));
            return Results.LocalRedirect("/home");
        });

        pages.MapPost("/sign-out", async (HttpContext http, CancellationToken ct) =>
        {
            if (await Visitors.FormAsync(http, ct) is null) return Results.BadRequest();
            await Visitors.SignOutAsync(http);
            return Results.LocalRedirect("/sign-in");
        });

        pages.MapGet("/home", async (HttpContext http, PaydeskDb db, CancellationToken ct) =>
        {
            var visitor = await Visitors.OfAsync(http, db, ct);
            if (visitor.User is not { } user) return Results.LocalRedirect("/sign-in?back=%2Fhome");
            var tenantIds = visitor.Memberships.Select(m => m.TenantId).Distinct().ToList();
            var tenants = await db.Tenants.AsNoTracking().Where(t => tenantIds.Contains(t.Id)).ToDictionaryAsync(t => t.Id, ct);
            var places = visitor.Memberships.Where(m => tenants.ContainsKey(m.TenantId))
                .Select(m => (tenants[m.TenantId].Name, m.Role is Role.TenantAdmin or Role.Staff,
                    m.Role == Role.Customer ? $"/t/{tenants[m.TenantId].Slug}/account" : $"/admin/{tenants[m.TenantId].Slug}"))
                .OrderBy(p => p.Item2 ? 0 : 1).ThenBy(p => p.Name).ToList();
            return HtmlPages.Page<HomeView>(http, new { Culture = PageLanguage.Of(http), user.Name, user.Email, Places = places });
        });

        pages.MapGet("/t/{slug}/sign-in", async (string slug, string? back, HttpContext http, PaydeskDb db, CancellationToken ct) =>
            await Visitors.TenantAsync(db, slug, ct) is { } tenant ? CustomerForm(http, tenant, "ask", returnTo: Local(back)) : Results.NotFound());

        pages.MapPost("/t/{slug}/sign-in", async (string slug, HttpContext http, PaydeskDb db, SignInTokens tokens, PublicAddress address,
            IEmailSender mail, IOptions<EmailOptions> email, ILoggerFactory logs, CancellationToken ct) =>
        {
            if (await Visitors.TenantAsync(db, slug, ct) is not { } tenant) return Results.NotFound();
            if (await Visitors.FormAsync(http, ct) is not { } form) return Results.BadRequest();
            var given = form["email"].ToString().Trim();
            var back = Local(form["back"]);
            if (given.Length == 0)
                return CustomerForm(http, tenant, "ask", notice: SignInWords.All.For(PageLanguage.Of(http)).EnterEmail, returnTo: back, status: StatusCodes.Status400BadRequest);
            db.Tenant.Set(tenant.Id, Role.Staff);
            var lowered = given.ToLowerInvariant();
            var customer = await db.Customers.AsNoTracking().Where(c => c.Email != null && c.Email.ToLower() == lowered && c.ArchivedAt == null)
                .OrderBy(c => c.CreatedAt).FirstOrDefaultAsync(ct);
            if (customer is not null)
            {
                // The customer reads in their own language, whatever the page was in.
                var culture = Languages.Culture(customer.Locale);
                var w = SignInWords.All.For(culture);
                var link = $"t/{Uri.EscapeDataString(tenant.Slug)}/sign-in/link?token={Uri.EscapeDataString(tokens.ForCustomer(tenant.Id, customer.Id))}";
                if (back is not null) link += $"&back={Uri.EscapeDataString(back)}";
                await SendAsync(mail, email.Value, customer.Email!, customer.Name, w.LinkSubject(tenant.Name), w.LinkMail(new Uri(address.Url, link).AbsoluteUri),
                    w.MailIgnore, culture, logs.CreateLogger(typeof(SignInEndpoints)), ct, tenant.Name);
            }
            return CustomerForm(http, tenant, "sent");
        });

        pages.MapGet("/t/{slug}/sign-in/link", async (string slug, string? token, string? back, HttpContext http, PaydeskDb db, SignInTokens tokens, CancellationToken ct) =>
        {
            if (await Visitors.TenantAsync(db, slug, ct) is not { } tenant) return Results.NotFound();
            if (await LinkCustomerAsync(db, tenant, tokens, token, ct) is not { } customer)
                return CustomerForm(http, tenant, "ask", notice: SignInWords.All.For(PageLanguage.Of(http)).LinkExpired);
            return CustomerForm(http, tenant, "confirm", email: customer.Email, token: token, returnTo: Local(back), culture: Languages.Culture(customer.Locale));
        });

        pages.MapPost("/t/{slug}/sign-in/link", async (string slug, HttpContext http, PaydeskDb db, SignInTokens tokens, CancellationToken ct) =>
        {
            if (await Visitors.TenantAsync(db, slug, ct) is not { } tenant) return Results.NotFound();
            if (await Visitors.FormAsync(http, ct) is not { } form) return Results.BadRequest();
            if (await LinkCustomerAsync(db, tenant, tokens, form["token"], ct) is not { } customer)
                return CustomerForm(http, tenant, "ask", notice: SignInWords.All.For(PageLanguage.Of(http)).LinkExpired);
            await Visitors.SignInCustomerAsync(http, tenant.Id, customer.Id, await Visitors.OfAsync(http, db, ct));
            return Results.LocalRedirect(Local(form["back"]) ?? $"/t/{Uri.EscapeDataString(tenant.Slug)}/account");
        });
    }

    private static IResult Form(HttpContext http, string step, string? email = null, string? notice = null, bool error = false,
        string? returnTo = null, int status = StatusCodes.Status200OK, string? token = null) =>
        HtmlPages.Page<SignInForm>(http, new
        {
            Culture = PageLanguage.Of(http), Step = step, Email = email, Notice = notice, NoticeIsError = error, ReturnTo = returnTo,
            Token = token, Back = http.Request.Path + http.Request.QueryString,
        }, status: status);

    private static IResult CustomerForm(HttpContext http, Tenant tenant, string step, string? email = null, string? notice = null,
        string? returnTo = null, string? token = null, int status = StatusCodes.Status200OK, System.Globalization.CultureInfo? culture = null) =>
        HtmlPages.Page<CustomerSignInForm>(http, new
        {
            Culture = culture ?? PageLanguage.Of(http), Step = step, Merchant = tenant.Name, Slug = Uri.EscapeDataString(tenant.Slug), Email = email,
            Notice = notice, ReturnTo = returnTo, Token = token, Back = $"/t/{Uri.EscapeDataString(tenant.Slug)}/sign-in",
        }, status: status);

    private static string? Local(Microsoft.Extensions.Primitives.StringValues back) =>
        PageLanguage.IsLocal(back.ToString()) ? back.ToString() : null;

    private static Task<User?> FindUserAsync(PaydeskDb db, string email, CancellationToken ct)
    {
        var lowered = email.ToLowerInvariant();
        return db.Users.FirstOrDefaultAsync(u => u.Email.ToLower() == lowered, ct);
    }

    private static async Task<User?> ResetUserAsync(PaydeskDb db, SignInTokens tokens, string? token, CancellationToken ct, bool tracked = false)
    {
        if (tokens.OpenReset(token) is not var (userId, stamp)) return null;
        var users = tracked ? db.Users : db.Users.AsNoTracking();
        var user = await users.FirstOrDefaultAsync(u => u.Id == userId, ct);
        return user is not null && user.SecurityStamp == stamp ? user : null;
    }

    private static async Task<Customer?> LinkCustomerAsync(PaydeskDb db, Tenant tenant, SignInTokens tokens, string? token, CancellationToken ct)
    {
        if (tokens.OpenCustomer(token) is not var (tenantId, customerId) || tenantId != tenant.Id) return null;
        db.Tenant.Set(tenant.Id, Role.Staff);
        return await db.Customers.AsNoTracking().FirstOrDefaultAsync(c => c.Id == customerId && c.ArchivedAt == null, ct);
    }


    /// <summary>
    /// Sent at once, not through the outbox: a lost sign-in mail is asked for again, and nothing
    /// else waits on it. A failure is logged by domain only, and the page answers as if sent.
    /// </summary>
    internal static async Task SendAsync(IEmailSender mail, EmailOptions options, string to, string name, string subject, string text, string ignore,
        System.Globalization.CultureInfo culture, ILogger log, CancellationToken ct, string? senderName = null)
    {
        var body = $"{text}\n\n{ignore}\n";
        var lines = text.Split('\n');
        var html = string.Join("", lines.Select(l => l.StartsWith("http", StringComparison.Ordinal)
            ? $"<p><a href=\"{EmailHtml.E(l)}\">{EmailHtml.E(l)}</a></p>" : $"<p>{EmailHtml.E(l)}</p>")) + $"<p>{EmailHtml.E(ignore)}</p>";
        var message = new EmailMessage
        {
            From = new EmailAddress(options.From.Address, senderName ?? options.From.Name),
            To = new EmailAddress(to, name),
            Subject = subject,
            TextBody = body,
            HtmlBody = EmailHtml.Document(culture, subject, html),
            MessageId = $"sign-in.{Guid.NewGuid():N}",
        };
        try
        {
            await mail.SendAsync(message, ct);
        }
        catch (EmailDeliveryException e)
        {
            log.LogWarning("A sign-in email to an address at {Domain} was not delivered: {Reason}", message.To.Domain, e.Message);
        }
    }
}
