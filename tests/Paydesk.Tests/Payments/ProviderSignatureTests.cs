using System.Text.Json.Nodes;
using Paydesk.Payments.Robokassa;
using Paydesk.Payments.Stripe;
using Paydesk.Payments.TBank;
using Stripe;

namespace Paydesk.Tests.Payments;

/// <summary>The providers' signatures, against the vectors their documentation gives and Stripe's own library.</summary>
public sealed class ProviderSignatureTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void T_Bank_s_init_token_is_the_one_its_documentation_gives()
    {
        var init = new JsonObject
        {
            ["TerminalKey"] = "MerchantTerminalKey", ["Amount"] = 19200, ["OrderId"] = "21090", ["Description"] = "Подарочная карта на 1000 рублей",
            // Nested objects and arrays are no part of the token.
            ["DATA"] = new JsonObject { ["Phone"] = "+71234567890" },
            ["Receipt"] = new JsonObject { ["Items"] = new JsonArray(new JsonObject { ["Name"] = "Карта" }) },
        };
        TBankToken.Compute(init, "usaf8fw8fsw21g").ShouldBe("0024a00af7c350a3a67ca168ce06502aa72772456662e38696d48b56ee9c97d9");
    }

    [Fact]
    public void T_Bank_s_notification_token_is_the_one_its_documentation_gives_and_a_changed_field_or_password_fails_it()
    {
        var notification = JsonNode.Parse("""
            {"TerminalKey":"1321054611234DEMO","OrderId":"201709","Success":true,"Status":"AUTHORIZED","PaymentId":8742591,"ErrorCode":"0",
             "Amount":9855,"CardId":322264,"Pan":"430000******0777","ExpDate":"1122","RebillId":101709,
             "Token":"b906d28e76c6428e37b25fcf86c0adc52c63d503013fdd632e300593d165766b"}
            """)!.AsObject();
        TBankToken.Compute(notification, "Dfsfh56dgKl").ShouldBe("b906d28e76c6428e37b25fcf86c0adc52c63d503013fdd632e300593d165766b");
        TBankToken.Verify(notification, "Dfsfh56dgKl").ShouldBe(true);
        TBankToken.Verify(notification, "Dfsfh56dgKm").ShouldBe(false);

        notification["Amount"] = 98550;
        TBankToken.Verify(notification, "Dfsfh56dgKl").ShouldBe(false);
        notification["Amount"] = 9855;
        notification["Success"] = false;
        TBankToken.Verify(notification, "Dfsfh56dgKl").ShouldBe(false);
        notification["Success"] = true;
        notification.Remove("Token");
        TBankToken.Verify(notification, "Dfsfh56dgKl").ShouldBe(false);
    }

    [Fact]
    public void Robokassa_s_payment_signature_is_the_md5_its_documentation_gives()
    {
        RobokassaSignature.Payment(RobokassaHash.Md5, "test", "5.12", "5", receipt: null, "securepass1").ShouldBe("d33ad746fefb057705993fc6662c5beb");
        RobokassaSignature.Matches("D33AD746FEFB057705993FC6662C5BEB", "d33ad746fefb057705993fc6662c5beb").ShouldBe(true);
        RobokassaSignature.Matches("d33ad746fefb057705993fc6662c5bec", "d33ad746fefb057705993fc6662c5beb").ShouldBe(false);
        RobokassaSignature.Matches(null, "d33ad746fefb057705993fc6662c5beb").ShouldBe(false);
    }

    [Fact]
    public void Robokassa_signs_user_parameters_sorted_after_the_password_and_with_the_hash_the_shop_chose()
    {
        var shp = new Dictionary<string, string> { ["Shp_payment"] = "pay_1", ["Shp_account"] = "acct_2" };
        // The base string the documentation describes, hashed here by the framework: the order of the parameters given does not matter.
        RobokassaSignature.Result(RobokassaHash.Md5, "100.00", "7", "pass2", shp)
            .ShouldBe(Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData("100.00:7:pass2:Shp_account=acct_2:Shp_payment=pay_1"u8)));
        RobokassaSignature.Result(RobokassaHash.Sha256, "100.00", "7", "pass2", shp.Reverse())
            .ShouldBe(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("100.00:7:pass2:Shp_account=acct_2:Shp_payment=pay_1"u8)));
        RobokassaSignature.Payment(RobokassaHash.Sha512, "shop", "100.00", "7", "%7B%22sno%22%3A%22osn%22%7D", "pass1")
            .ShouldBe(Convert.ToHexStringLower(System.Security.Cryptography.SHA512.HashData("shop:100.00:7:%7B%22sno%22%3A%22osn%22%7D:pass1"u8)));
        RobokassaSignature.Payment(RobokassaHash.Md5, "shop", "100.00", invId: null, receipt: null, "pass1")
            .ShouldBe(Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData("shop:100.00::pass1"u8)));
        RobokassaSignature.OpState(RobokassaHash.Md5, "shop", "7", "pass2")
            .ShouldBe(Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData("shop:7:pass2"u8)));
    }

    [Fact]
    public void A_header_from_Stripe_s_own_library_is_accepted_and_one_with_a_changed_byte_a_stale_timestamp_or_no_secret_is_refused()
    {
        const string body = """{"id":"evt_1","type":"checkout.session.completed","data":{"object":{"id":"cs_1","payment_status":"paid"}}}""";
        const string secret = "whsec_test_secret";
        var signed = Now.ToUnixTimeSeconds();
        var header = EventUtility.GenerateSignatureHeader(body, secret, signed);

        StripeSignature.Refusal(header, body, () => secret, Now).ShouldBe(null);
        // Within the 300 s either way, and one good v1 among others is enough.
        StripeSignature.Refusal(header, body, () => secret, Now.AddSeconds(300)).ShouldBe(null);
        StripeSignature.Refusal($"{header},v1={new string('0', 64)}", body, () => secret, Now).ShouldBe(null);
        StripeSignature.Refusal($"t={signed},v1={new string('0', 64)},{header.Split(',')[1]}", body, () => secret, Now).ShouldBe(null);

        StripeSignature.Refusal(header, body.Replace("paid", "pair"), () => secret, Now).ShouldBe("no v1 signature matches");
        var v1 = header.Split("v1=")[1];
        var flipped = header.Replace(v1, (v1[0] == 'a' ? 'b' : 'a') + v1[1..]);
        StripeSignature.Refusal(flipped, body, () => secret, Now).ShouldBe("no v1 signature matches");
        StripeSignature.Refusal(header, body, () => secret, Now.AddSeconds(301)).ShouldBe("the timestamp is stale by 301 s");
        StripeSignature.Refusal(header, body, () => secret, Now.AddSeconds(-301)).ShouldBe("the timestamp is in the future by 301 s");
        Assert.Contains("no webhook secret", StripeSignature.Refusal(header, body, () => null, Now));
        Assert.Contains("no webhook secret", StripeSignature.Refusal(header, body, () => "", Now));
        StripeSignature.Refusal($"t={signed}", body, () => secret, Now).ShouldBe("the signature header has no timestamp or no v1 signature");
        StripeSignature.Refusal("garbage", body, () => secret, Now).ShouldBe("the signature header has no timestamp or no v1 signature");

        // And what Paydesk signs, Stripe's library accepts.
        EventUtility.ValidateSignature(body, StripeSignature.HeaderValue(secret, signed, body), secret, 300, signed);
    }
}
