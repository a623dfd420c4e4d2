using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Paydesk.Api;
using Paydesk.Api.Pages;
using Paydesk.Notifications.Email;
using Paydesk.Payments;
using Paydesk.Storage;
using Paydesk.Tenancy;
using Paydesk.Web.SignIn;

namespace Paydesk.Web.Members;

public sealed record NewMember(string? Email, string? Name, string? Role, string? Locale);

public sealed record MemberView(string Id, string UserId, string Email, string Name, string Role, DateTimeOffset CreatedAt);

/// <summary>
/// <c>/api/v1/members</c>: the people who work in the tenant's back office. Inviting someone makes
/// their user (or finds the one with that email, who may work for other tenants too) and their
/// membership, and emails them: a link to set their password when they have none, else a note that
/// they can sign in. No password ever passes through the API.
/// </summary>
internal static class MemberEndpoints
{
    public static void MapMembers(this RouteGroupBuilder api)
    {
        var members = api.MapGroup("/members").WithTags("Members").RequireAuthorization(Policies.Admin);

        members.MapGet("/", async (PageRequest page, PaydeskDb db, CancellationToken ct) =>
        {
            var users = db.Users.AsNoTracking();
            var rows = db.Memberships.Where(m => m.Role == Role.TenantAdmin || m.Role == Role.Staff);
            var listed = await page.Run(rows, m => m, ct);
            if (listed.Problem is { } problem) return problem.ToHttp();
            var ids = listed.Value!.Items.Select(m => m.UserId).ToList();
            var byId = await users.Where(u => ids.Contains(u.Id)).ToDictionaryAsync(u => u.Id, ct);
            return Results.Ok(new Page<MemberView>(listed.Value.Items.Select(m => View(m, byId[m.UserId])).ToList(), listed.Value.NextCursor));
        }).Lists<MemberView>().WithName("listMembers").WithSummary("List the people who work in the tenant's back office");

        members.MapPost("/", async (NewMember body, PaydeskDb db, IdGenerator ids, TimeProvider time, SignInTokens tokens, PublicAddress address,
            IEmailSender mail, IOptions<EmailOptions> email, ILoggerFactory logs, CancellationToken ct) =>
        {
            var errors = new FieldErrors();
            var address0 = errors.Email("email", body.Email);
            if (body.Email is null) errors.Add("email", "is required.");
            var name = errors.Text("name", body.Name);
            var role = body.Role switch
            {
                "admin" => Role.TenantAdmin,
                "staff" or null => Role.Staff,
                _ => (Role?)null,
            };
            if (role is null) errors.Add("role", "must be 'admin' or 'staff'.");
            if (errors.Any) return errors.ToProblem().ToHttp();

            var lowered = address0!.ToLowerInvariant();
            var now = time.GetUtcNow();
            var user = await db.Users.FirstOrDefaultAsync(u => u.Email.ToLower() == lowered, ct);
            if (user is null)
            {
                user = new User { Id = ids.New("usr"), Email = address0, Name = name, SecurityStamp = Passwords.NewStamp(), CreatedAt = now };
                db.Users.Add(user);
            }
            else if (await db.Memberships.AnyAsync(m => m.UserId == user.Id, ct))
            {
                return Problem.Conflict($"{address0} is a member of this tenant already.").ToHttp();
            }
            var membership = new Membership { TenantId = "", Id = ids.New("mem"), UserId = user.Id, Role = role!.Value, CreatedAt = now };
            db.Memberships.Add(membership);
            await db.SaveChangesAsync(ct);

            var tenant = await db.Tenants.AsNoTracking().FirstAsync(t => t.Id == membership.TenantId, ct);
            var culture = Languages.Culture(body.Locale);
            var w = SignInWords.All.For(culture);
            var text = user.PasswordHash is null
                ? w.InviteMail(tenant.Name, new Uri(address.Url, $"sign-in/reset?token={Uri.EscapeDataString(tokens.ForReset(user.Id, user.SecurityStamp))}").AbsoluteUri)
                : w.AddedMail(tenant.Name, new Uri(address.Url, "sign-in").AbsoluteUri);
            await SignInEndpoints.SendAsync(mail, email.Value, user.Email, user.Name, w.InviteSubject(tenant.Name), text, w.MailIgnore, culture,
                logs.CreateLogger(typeof(MemberEndpoints)), ct);
            return TypedResults.Created($"/api/v1/members/{membership.Id}", View(membership, user));
        }).Creates<MemberView>().WithName("inviteMember").WithSummary("Invite someone to the tenant's back office; they get an email to set their password");
    }

    private static MemberView View(Membership m, User u) =>
        new(m.Id, u.Id, u.Email, u.Name, m.Role == Role.TenantAdmin ? "admin" : "staff", m.CreatedAt);
}
