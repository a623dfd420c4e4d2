using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.EntityFrameworkCore;
using Paydesk.Api;
using Paydesk.Storage;
using Paydesk.Tenancy;

namespace Paydesk.Web;

/// <summary>
/// Who is looking at a page: a user signed in with their password (and what they are in each
/// tenant), and the customers they signed in as by an emailed link. Kept in one cookie, apart from
/// the API's keys: a page never accepts a key, and the API never accepts the cookie.
/// </summary>
public sealed record Visitor(User? User, IReadOnlyList<MembershipOfUser> Memberships, IReadOnlyList<(string TenantId, string CustomerId)> LinkCustomers)
{
    public static readonly Visitor Nobody = new(null, [], []);

    public bool SignedIn => User is not null || LinkCustomers.Count > 0;

    /// <summary>Their role in the tenant's back office, when they are its admin or staff.</summary>
    public Role? StaffRoleIn(string tenantId) =>
        Memberships.FirstOrDefault(m => m.TenantId == tenantId && m.Role is Role.TenantAdmin or Role.Staff)?.Role;

    /// <summary>The tenant where they are the customer <paramref name="customerId"/>, if they are.</summary>
    public string? TenantWhereCustomer(string customerId) =>
        Memberships.FirstOrDefault(m => m.Role == Role.Customer && m.CustomerId == customerId)?.TenantId
        ?? LinkCustomers.FirstOrDefault(c => c.CustomerId == customerId).TenantId;

    /// <summary>Which of the tenant's customers they are, by membership or by an emailed link.</summary>
    public string? CustomerIn(string tenantId) =>
        Memberships.FirstOrDefault(m => m.TenantId == tenantId && m.Role == Role.Customer)?.CustomerId
        ?? LinkCustomers.FirstOrDefault(c => c.TenantId == tenantId).CustomerId;
}

public static class Visitors
{
    public const string Scheme = "PaydeskPages";
    private const string UserClaim = "paydesk:user";
    private const string StampClaim = "paydesk:stamp";
    private const string CustomerClaim = "paydesk:link-customer";

    public static IServiceCollection AddPageSignIn(this IServiceCollection services)
    {
        services.AddAuthentication().AddCookie(Scheme, o =>
        {
            o.Cookie.Name = "paydesk";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.ExpireTimeSpan = TimeSpan.FromHours(12);
            o.SlidingExpiration = true;
            o.LoginPath = "/sign-in";
        });
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "paydesk-form";
            o.FormFieldName = "__form";
        });
        return services;
    }

    /// <summary>The tenant a page's address names (<c>/t/{slug}/…</c>, <c>/admin/{slug}/…</c>); null when there is none.</summary>
    public static Task<Tenant?> TenantAsync(PaydeskDb db, string slug, CancellationToken ct) =>
        db.Tenants.AsNoTracking().FirstOrDefaultAsync(t => t.Slug == slug, ct);

    /// <summary>The visitor of this request; the cookie's user is read again, so a changed password ends every older session.</summary>
    public static async Task<Visitor> OfAsync(HttpContext http, PaydeskDb db, CancellationToken ct)
    {
        var result = await http.AuthenticateAsync(Scheme);
        if (!result.Succeeded) return Visitor.Nobody;
        var principal = result.Principal;
        User? user = null;
        IReadOnlyList<MembershipOfUser> memberships = [];
        if (principal.FindFirst(UserClaim)?.Value is { } userId)
        {
            user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId, ct);
            if (user is not null && user.SecurityStamp != principal.FindFirst(StampClaim)?.Value) user = null;
            if (user is not null) memberships = await Installation.MembershipsOfUserAsync(db, user.Id, ct);
        }
        var customers = principal.FindAll(CustomerClaim).Select(c => c.Value.Split(' ', 2)).Where(p => p.Length == 2).Select(p => (p[0], p[1])).ToList();
        return new Visitor(user, memberships, customers);
    }

    /// <summary>Signs <paramref name="user"/> in, keeping the customers the visitor signed in as by link.</summary>
    public static Task SignInUserAsync(HttpContext http, User user, Visitor before) =>
        WriteAsync(http, user, before.LinkCustomers);

    /// <summary>Adds a customer, proved by an emailed link, to whoever is signed in.</summary>
    public static Task SignInCustomerAsync(HttpContext http, string tenantId, string customerId, Visitor before) =>
        WriteAsync(http, before.User, [.. before.LinkCustomers.Where(c => c.TenantId != tenantId), (tenantId, customerId)]);

    public static Task SignOutAsync(HttpContext http) => http.SignOutAsync(Scheme);

    private static Task WriteAsync(HttpContext http, User? user, IEnumerable<(string TenantId, string CustomerId)> customers)
    {
        var claims = new List<Claim>();
        if (user is not null)
        {
            claims.Add(new Claim(UserClaim, user.Id));
            claims.Add(new Claim(StampClaim, user.SecurityStamp));
        }
        claims.AddRange(customers.Select(c => new Claim(CustomerClaim, $"{c.TenantId} {c.CustomerId}")));
        return http.SignInAsync(Scheme, new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme)));
    }

    /// <summary>
    /// The posted form, once its anti-forgery token is checked; null for a form that cannot be read
    /// or whose token is missing or wrong (the page then answers 400).
    /// </summary>
    public static async Task<IFormCollection?> FormAsync(HttpContext http, CancellationToken ct)
    {
        var form = await RequestText.ReadFormAsync(http.Request, ct);
        if (form is null) return null;
        var antiforgery = http.RequestServices.GetRequiredService<IAntiforgery>();
        return await antiforgery.IsRequestValidAsync(http) ? form : null;
    }

    /// <summary>The token a form carries, as a hidden field.</summary>
    public static AntiforgeryTokenSet FormToken(HttpContext http) =>
        http.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(http);
}
