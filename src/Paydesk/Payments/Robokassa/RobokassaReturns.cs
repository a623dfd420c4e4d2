using Microsoft.EntityFrameworkCore;
using Paydesk.Api;
using Paydesk.Storage;
using Paydesk.Tenancy;

namespace Paydesk.Payments.Robokassa;

/// <summary>
/// Robokassa's SuccessURL and FailURL are the shop's, set once in its cabinet, not per payment:
/// they point here (<c>/return/robokassa/{accountId}/success</c> and <c>…/fail</c>), and Paydesk
/// sends the customer on to the return address the payment was started with. Only the way back:
/// the ResultURL notification is what marks a payment paid.
/// </summary>
public static class RobokassaReturns
{
    public static string SuccessPath(string accountId) => $"return/robokassa/{Uri.EscapeDataString(accountId)}/success";

    public static string FailPath(string accountId) => $"return/robokassa/{Uri.EscapeDataString(accountId)}/fail";

    public static void Map(WebApplication app)
    {
        app.MapMethods("/return/robokassa/{accountId}/{outcome:regex(^(success|fail)$)}", ["GET", "POST"], ReturnAsync)
            .WithTags("Webhooks").AllowAnonymous().ExcludeFromDescription();
    }

    private static async Task<IResult> ReturnAsync(string accountId, string outcome, HttpRequest request, PaydeskDb db, ProviderSecrets secrets, PublicAddress address, CancellationToken ct)
    {
        var fields = request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        if (request.HasFormContentType)
            foreach (var (key, value) in await request.ReadFormAsync(ct))
                fields[key] = value.ToString();
        if (await Installation.TenantOfProviderAccountAsync(db, accountId, RobokassaProvider.ProviderName, ct) is not { } tenantId)
            return Problem.NotFound("Robokassa account", accountId).ToHttp();
        db.Tenant.Set(tenantId, Role.TenantAdmin);
        var account = await db.ProviderAccounts.AsNoTracking().FirstAsync(a => a.Id == accountId, ct);
        var paymentId = fields.GetValueOrDefault(RobokassaProvider.PaymentParameter);
        var payment = paymentId is null ? null
            : await db.Payments.AsNoTracking().FirstOrDefaultAsync(p => p.Id == paymentId && p.ProviderAccountId == accountId, ct);
        if (payment is null || fields.GetValueOrDefault("InvId") != payment.ProviderPaymentId)
            return Problem.NotFound("payment", paymentId ?? "(none named)").ToHttp();

        // SuccessURL is signed with password #1; FailURL is not, and sends the customer only to where a failed payment goes.
        var paid = outcome == "success" && secrets.Credentials(account).TryGetValue("password1", out var password1)
            && fields.GetValueOrDefault("OutSum") is { } outSum
            && RobokassaSignature.Matches(fields.GetValueOrDefault("SignatureValue"), RobokassaSignature.Result(RobokassaProvider.HashOf(account),
                outSum, payment.ProviderPaymentId!, password1, fields.Where(f => f.Key.StartsWith("shp_", StringComparison.OrdinalIgnoreCase))));
        // The Fail URL is signed by nobody: anyone may send a browser to it. So it leads off Paydesk's
        // own address only to where Robokassa's signature (the Success URL's) vouches for, never to a
        // return address some key gave, lest Paydesk's domain send people wherever a link says.
        var own = new Uri(address.Url, $"pay/{payment.Id}/{(paid ? "success" : "canceled")}").ToString();
        var given = paid ? payment.SuccessUrl : payment.CancelUrl;
        return Results.Redirect(given is not null && (paid || SameOrigin(given, address.Url)) ? given : own);
    }

    private static bool SameOrigin(string url, Uri origin) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && Uri.Compare(uri, origin, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;
}
