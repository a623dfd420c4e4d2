using Paydesk.Payments.Robokassa;

namespace Paydesk.Tests.Payments.Robokassa;

/// <summary>
/// The Robokassa emulator speaks Robokassa's protocol as its documentation gives it, checked with
/// Paydesk's own signature code (written separately): the documented example opens a page, a
/// wrong signature does not; the ResultURL is signed with password #2 and sent until answered
/// <c>OK{InvId}</c>; OpStateExt and recurring charges answer as documented.
/// </summary>
public sealed class RobokassaEmulatorTests
{
    private static readonly HttpClient Browser = new(new HttpClientHandler { AllowAutoRedirect = false });

    [Fact]
    public async Task The_documented_example_opens_the_payment_page_and_a_changed_signature_does_not()
    {
        var emulators = await ProviderEmulators.Shared;
        var login = "test-" + Guid.NewGuid().ToString("N")[..8];
        emulators.Robokassa.AddShop(login, password1: "securepass1");
        // The documentation's example is for the login "test": its base string with this shop's login, hashed the same way.
        Assert.Equal("d33ad746fefb057705993fc6662c5beb", RobokassaSignature.Payment(RobokassaHash.Md5, "test", "5.12", "5", null, "securepass1"));
        var signature = RobokassaSignature.Payment(RobokassaHash.Md5, login, "5.12", "5", null, "securepass1");

        var page = await Browser.GetAsync(new Uri(emulators.Url, $"Merchant/Index.aspx?MerchantLogin={login}&OutSum=5.12&InvId=5&Description=Test&SignatureValue={signature.ToUpperInvariant()}"));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("value=\"pay\"", await page.Content.ReadAsStringAsync());

        var forged = await Browser.GetAsync(new Uri(emulators.Url, $"Merchant/Index.aspx?MerchantLogin={login}&OutSum=5.13&InvId=6&SignatureValue={signature}"));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
    }

    [Fact]
    public async Task A_paid_invoice_is_reported_to_the_ResultURL_signed_with_password_2_until_answered_OK_and_OpStateExt_says_paid()
    {
        var emulators = await ProviderEmulators.Shared;
        // Refuses the first ResultURL call, then answers OK{InvId} as a shop must.
        await using var merchant = await MerchantEndpoint.StartAsync(refuseFirst: 1, body => "OK" + System.Web.HttpUtility.ParseQueryString(body)["InvId"]);
        var shop = emulators.Robokassa.AddShop(hash: "sha256", resultUrl: merchant.Url + "result", successUrl: merchant.Url + "success", failUrl: merchant.Url + "fail");
        var hash = RobokassaHash.Sha256;
        var receipt = Uri.EscapeDataString("""{"sno":"usn_income","items":[{"name":"10 сеансов","quantity":1,"sum":15000,"payment_method":"full_prepayment","payment_object":"service","tax":"none"}]}""");
        var shp = new Dictionary<string, string> { ["Shp_payment"] = "pay_1", ["Shp_account"] = "acct_1" };
        var fields = new Dictionary<string, string>
        {
            ["MerchantLogin"] = shop.Login, ["OutSum"] = "15000.00", ["InvId"] = "42", ["Description"] = "10 сеансов", ["Receipt"] = receipt,
            ["IsTest"] = "1", ["Culture"] = "ru", ["Recurring"] = "true",
            ["SignatureValue"] = RobokassaSignature.Payment(hash, shop.Login, "15000.00", "42", receipt, shop.Password1, shp),
        };
        foreach (var (k, v) in shp) fields[k] = v;
        var page = await Browser.PostAsync(new Uri(emulators.Url, "Merchant/Index.aspx"), new FormUrlEncodedContent(fields));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("\"full_prepayment\"", emulators.Robokassa.Invoice(shop.Login, 42)!.Receipt);

        var paid = await Browser.PostAsync(new Uri(emulators.Url, $"robokassa/pay/{shop.Login}/42"), new FormUrlEncodedContent(new Dictionary<string, string> { ["action"] = "pay" }));
        Assert.Equal(HttpStatusCode.Redirect, paid.StatusCode);
        var success = System.Web.HttpUtility.ParseQueryString(paid.Headers.Location!.Query);
        Assert.StartsWith(merchant.Url + "success", paid.Headers.Location.ToString());
        Assert.True(RobokassaSignature.Matches(success["SignatureValue"], RobokassaSignature.Compute(hash, ["15000.00", "42", shop.Password1], shp)));

        // Refused once, then sent again and taken.
        await emulators.QuietAsync();
        Assert.Equal(2, merchant.Received.Count);
        var result = System.Web.HttpUtility.ParseQueryString(merchant.Received.Last().Body);
        Assert.Equal(("15000.00", "42", "pay_1"), (result["OutSum"], result["InvId"], result["Shp_payment"]));
        Assert.True(RobokassaSignature.Matches(result["SignatureValue"], RobokassaSignature.Result(hash, "15000.00", "42", shop.Password2, shp)));

        var state = await Browser.GetStringAsync(new Uri(emulators.Url,
            $"Merchant/WebService/Service.asmx/OpStateExt?MerchantLogin={shop.Login}&InvoiceID=42&Signature={RobokassaSignature.OpState(hash, shop.Login, "42", shop.Password2)}"));
        Assert.Contains("<Result><Code>0</Code></Result><State><Code>100</Code>", state);
        var wrong = await Browser.GetStringAsync(new Uri(emulators.Url, $"Merchant/WebService/Service.asmx/OpStateExt?MerchantLogin={shop.Login}&InvoiceID=42&Signature=00"));
        Assert.Contains("<Result><Code>1</Code></Result>", wrong);

        // A recurring charge of the paid parent: accepted as OK{InvoiceID}, paid once however often it is asked.
        string Recur(string id) => RobokassaSignature.Payment(hash, shop.Login, "990.00", id, null, shop.Password1);
        var child = new Dictionary<string, string>
        {
            ["MerchantLogin"] = shop.Login, ["InvoiceID"] = "43", ["PreviousInvoiceID"] = "42", ["OutSum"] = "990.00", ["Description"] = "Продление",
            ["SignatureValue"] = Recur("43"),
        };
        for (var i = 0; i < 2; i++)
            Assert.Equal("OK43", await (await Browser.PostAsync(new Uri(emulators.Url, "Merchant/Recurring"), new FormUrlEncodedContent(child))).Content.ReadAsStringAsync());
        Assert.Equal((100, 1), (emulators.Robokassa.Invoice(shop.Login, 43)!.State, emulators.Robokassa.Invoice(shop.Login, 43)!.Captures));

        emulators.Robokassa.Decline(shop.Login, 42);
        child["InvoiceID"] = "44";
        child["SignatureValue"] = Recur("44");
        Assert.Equal("OK44", await (await Browser.PostAsync(new Uri(emulators.Url, "Merchant/Recurring"), new FormUrlEncodedContent(child))).Content.ReadAsStringAsync());
        Assert.Equal((10, 0), (emulators.Robokassa.Invoice(shop.Login, 44)!.State, emulators.Robokassa.Invoice(shop.Login, 44)!.Captures));
    }
}
