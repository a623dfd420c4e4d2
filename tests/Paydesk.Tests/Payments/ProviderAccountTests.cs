using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Paydesk.Payments;

namespace Paydesk.Tests.Payments;

/// <summary>A tenant's accounts at its payment providers: credentials sealed on arrival and never shown again, modes, defaults, disabling.</summary>
public sealed class ProviderAccountTests
{
    private const string StripeKey = "sk_test_51PaydeskStripeKeyNeverShown";
    private const string StripeWebhook = "whsec_PaydeskStripeWebhookNeverShown";
    private const string TBankPassword = "tbank-password-never-shown";
    private const string RobokassaPassword2 = "robokassa-password-two-never-shown";

    private static object Stripe(string name, bool? isDefault = null, string key = StripeKey) => new
    {
        provider = "stripe", name, credentials = new Dictionary<string, string> { ["secretKey"] = key, ["webhookSecret"] = StripeWebhook }, isDefault,
    };

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Credentials_are_sealed_on_arrival_and_shown_nowhere_again_not_in_answers_the_database_or_the_log(Engine engine)
    {
        await using var host = await PaydeskHost.StartAsync(engine, new HostOptions());
        var tenant = await host.NewTenantAsync();
        var stripe = await tenant.PostOk("/api/v1/provider-accounts", Stripe("Stripe EU"));
        var tbank = await tenant.PostOk("/api/v1/provider-accounts", new
        {
            provider = "tbank", name = "T-Bank", mode = "live", credentials = new Dictionary<string, string> { ["terminalKey"] = "1321054611234", ["password"] = TBankPassword },
        });
        var robokassa = await tenant.PostOk("/api/v1/provider-accounts", new
        {
            provider = "robokassa", name = "Robokassa", login = "clinic-shop", hashAlgorithm = "sha256",
            credentials = new Dictionary<string, string> { ["password1"] = "robokassa-password-one", ["password2"] = RobokassaPassword2 },
        });

        stripe.Str("mode").ShouldBe("test");
        stripe.GetProperty("isDefault").GetBoolean().ShouldBe(true);
        stripe.GetProperty("credentialsSet").EnumerateArray().Select(c => c.GetString()).ToList().ShouldBe(["secretKey", "webhookSecret"]);
        Assert.EndsWith($"/webhooks/stripe/{stripe.Id()}", stripe.Str("notificationUrl"));
        (tbank.Str("mode"), tbank.Str("status")).ShouldBe(("live", "active"));
        (robokassa.Str("login"), robokassa.Str("hashAlgorithm")).ShouldBe(("clinic-shop", "sha256"));

        // What the adapters will open, the account holds.
        var accounts = host.Services.GetRequiredService<ProviderSecrets>();
        var sealedAccount = await host.InTenantAsync(tenant.TenantId, db => db.ProviderAccounts.AsNoTracking().SingleAsync(a => a.Id == stripe.Id()));
        accounts.Reveal(sealedAccount, ProviderSecret.Webhook).ShouldBe(StripeWebhook);
        Assert.Contains(StripeKey, accounts.Reveal(sealedAccount, ProviderSecret.Credentials));

        string[] secrets = [StripeKey, StripeWebhook, TBankPassword, RobokassaPassword2];
        var stored = await ProviderSecretTests.StoredBytesAsync(host);
        Assert.True(ProviderSecretTests.Holds(stored, "clinic-shop"), "the search reads the provider_accounts rows");
        foreach (var secret in secrets) Assert.False(ProviderSecretTests.Holds(stored, secret), $"a credential is stored in the clear ({engine})");
        Assert.NotEmpty(host.Logs.Lines);
        Assert.DoesNotContain(host.Logs.Lines, line => secrets.Any(s => line.Contains(s, StringComparison.Ordinal)));
        var answers = await Task.WhenAll(new[] { "/api/v1/provider-accounts", $"/api/v1/provider-accounts/{stripe.Id()}", $"/api/v1/provider-accounts/{tbank.Id()}" }
            .Select(path => tenant.Http.GetStringAsync(path)));
        Assert.Contains(answers, a => a.Contains("clinic-shop", StringComparison.Ordinal));
        Assert.DoesNotContain(answers, a => secrets.Any(s => a.Contains(s, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task What_is_wrong_with_an_account_is_named_by_its_field()
    {
        var host = await PaydeskHost.Shared(Engine.Sqlite);
        var tenant = await host.NewTenantAsync();
        await (await tenant.Post("/api/v1/provider-accounts", new { provider = "paypal", name = "x" })).ShouldBeProblem(400, "provider");
        await (await tenant.Post("/api/v1/provider-accounts", Stripe("Live key in test mode", key: "sk_live_123"))).ShouldBeProblem(400, "credentials.secretKey");
        await (await tenant.Post("/api/v1/provider-accounts", new { provider = "stripe", name = "No webhook", credentials = new { secretKey = StripeKey } }))
            .ShouldBeProblem(400, "credentials.webhookSecret");
        await (await tenant.Post("/api/v1/provider-accounts", new { provider = "tbank", name = "Extra", credentials = new { terminalKey = "t", password = "p", pin = "1" } }))
            .ShouldBeProblem(400, "credentials.pin");
        await (await tenant.Post("/api/v1/provider-accounts", new { provider = "robokassa", name = "No login", credentials = new { password1 = "a", password2 = "b" } }))
            .ShouldBeProblem(400, "login");
        await (await tenant.Post("/api/v1/provider-accounts", new { provider = "robokassa", name = "SHA1", login = "l", hashAlgorithm = "sha1", credentials = new { password1 = "a", password2 = "b" } }))
            .ShouldBeProblem(400, "hashAlgorithm");
        await (await tenant.Post("/api/v1/provider-accounts", Stripe("") )).ShouldBeProblem(400, "name");
        (await tenant.ListAll("/api/v1/provider-accounts")).Count.ShouldBe(0);

        // Staff run the shop; only admins hold its keys.
        var staff = (await tenant.PostOk("/api/v1/api-keys", new { name = "Front desk", role = "staff" })).Str("secret");
        (await host.Client(staff).GetAsync("/api/v1/provider-accounts")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_credential_given_replaces_its_namesake_the_others_are_kept_and_a_new_mode_must_suit_the_kept_key(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var tenant = await host.NewTenantAsync();
        var tbank = await tenant.PostOk("/api/v1/provider-accounts", new
        {
            provider = "tbank", name = "T-Bank", credentials = new Dictionary<string, string> { ["terminalKey"] = "1321054611234DEMO", ["password"] = "first" },
        });
        var revised = await (await tenant.Http.PatchAsJsonAsync($"/api/v1/provider-accounts/{tbank.Id()}", new { name = "T-Bank main", credentials = new { password = "second" } })).Json();
        (revised.Str("name"), revised.GetProperty("credentialsSet").GetArrayLength()).ShouldBe(("T-Bank main", 2));
        var account = await host.InTenantAsync(tenant.TenantId, db => db.ProviderAccounts.AsNoTracking().SingleAsync(a => a.Id == tbank.Id()));
        var credentials = await host.RunAsync<SaveProviderAccount, IReadOnlyDictionary<string, string>>(s => Task.FromResult(s.Credentials(account)));
        (credentials["terminalKey"], credentials["password"]).ShouldBe(("1321054611234DEMO", "second"));

        var stripe = await tenant.PostOk("/api/v1/provider-accounts", Stripe("Stripe"));
        await (await tenant.Http.PatchAsJsonAsync($"/api/v1/provider-accounts/{stripe.Id()}", new { mode = "live" })).ShouldBeProblem(400, "credentials.secretKey");
        var live = await (await tenant.Http.PatchAsJsonAsync($"/api/v1/provider-accounts/{stripe.Id()}", new { mode = "live", credentials = new { secretKey = "sk_live_51Paydesk" } })).Json();
        live.Str("mode").ShouldBe("live");
        await (await tenant.Http.PatchAsJsonAsync($"/api/v1/provider-accounts/{stripe.Id()}", new { provider = "tbank" })).ShouldBeProblem(400, "provider");
        (await tenant.Http.PatchAsJsonAsync("/api/v1/provider-accounts/acct_none", new { name = "x" })).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Each_provider_has_one_default_which_a_disabled_account_hands_on_and_a_disabled_account_takes_no_checkout(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var shop = await Shop.OpenAsync(host);
        var tenant = shop.Tenant;
        var first = (await tenant.PostOk("/api/v1/provider-accounts", Stripe("First"))).Id();
        var second = (await tenant.PostOk("/api/v1/provider-accounts", Stripe("Second"))).Id();
        async Task<string?> DefaultAsync() => (await tenant.ListAll("/api/v1/provider-accounts"))
            .SingleOrDefault(a => a.Str("provider") == "stripe" && a.GetProperty("isDefault").GetBoolean()) is { ValueKind: JsonValueKind.Object } a ? a.Id() : null;
        (await DefaultAsync()).ShouldBe(first);
        (await tenant.PostOk($"/api/v1/provider-accounts/{second}/disable", new { })).Str("status").ShouldBe("disabled");
        (await DefaultAsync()).ShouldBe(first);
        (await tenant.PostOk($"/api/v1/provider-accounts/{second}/enable", new { })).GetProperty("isDefault").GetBoolean().ShouldBe(false);
        await (await tenant.Http.PatchAsJsonAsync($"/api/v1/provider-accounts/{second}", new { isDefault = true })).Json();
        (await DefaultAsync()).ShouldBe(second);
        await tenant.PostOk($"/api/v1/provider-accounts/{second}/disable", new { });
        (await DefaultAsync()).ShouldBe(first);
        await tenant.PostOk($"/api/v1/provider-accounts/{first}/disable", new { });
        (await DefaultAsync()).ShouldBe(null);
        (await tenant.PostOk($"/api/v1/provider-accounts/{first}/enable", new { })).GetProperty("isDefault").GetBoolean().ShouldBe(true);

        // The Mock account, once disabled, takes no checkout and is not made again; enabled, it does.
        var order = (await tenant.PostOk("/api/v1/orders", new { customerId = shop.Customer, lines = new[] { new { planId = shop.Package } } })).Id();
        var (paid, _) = await tenant.CheckoutAsync(order);
        var mock = Assert.Single(await tenant.ListAll("/api/v1/provider-accounts"), a => a.Str("provider") == "mock").Id();
        await tenant.PostOk($"/api/v1/provider-accounts/{mock}/disable", new { });
        // With its Stripe account disabled too, the tenant has no provider to pay through.
        await tenant.PostOk($"/api/v1/provider-accounts/{first}/disable", new { });
        await (await tenant.Post($"/api/v1/orders/{order}/checkout", new { })).ShouldBeProblem(400, "provider");
        await (await tenant.Post($"/api/v1/orders/{order}/checkout", new { account = mock })).ShouldBeProblem(400, "account");
        await (await tenant.Post($"/api/v1/orders/{order}/checkout", new { provider = "mock", account = first })).ShouldBeProblem(400, "account");
        // What is in flight still settles through it.
        await tenant.PressOnMockPageAsync(paid);
        await tenant.OrderWhenAsync(order, "fulfilled");
        await tenant.PostOk($"/api/v1/provider-accounts/{mock}/enable", new { });
        var again = (await tenant.PostOk("/api/v1/orders", new { customerId = shop.Customer, lines = new[] { new { planId = shop.Package } } })).Id();
        (await tenant.PostOk($"/api/v1/orders/{again}/checkout", new { account = mock })).Str("status").ShouldBe("pending");
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Accounts_made_default_at_once_leave_exactly_one_default(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var tenant = await host.NewTenantAsync();
        var made = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => tenant.Post("/api/v1/provider-accounts", Stripe($"Stripe {i}", isDefault: true))));
        Assert.All(made, r => r.StatusCode.ShouldBe(HttpStatusCode.Created));
        var accounts = await tenant.ListAll("/api/v1/provider-accounts");
        accounts.Count.ShouldBe(12);
        accounts.Count(a => a.GetProperty("isDefault").GetBoolean()).ShouldBe(1);

        // Disabling and making defaults at once, too.
        var ids = accounts.Select(a => a.Id()).ToList();
        var changes = await Task.WhenAll(ids.Select((id, i) => i % 2 == 0
            ? tenant.Post($"/api/v1/provider-accounts/{id}/disable", new { })
            : tenant.Http.PatchAsJsonAsync($"/api/v1/provider-accounts/{id}", new { isDefault = true })));
        Assert.All(changes, r => r.StatusCode.ShouldBe(HttpStatusCode.OK));
        var after = await tenant.ListAll("/api/v1/provider-accounts");
        var defaults = after.Where(a => a.GetProperty("isDefault").GetBoolean()).ToList();
        defaults.Count.ShouldBe(1);
        defaults[0].Str("status").ShouldBe("active");
    }
}
