using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Paydesk.Orders;
using Paydesk.Tenancy;

namespace Paydesk.Tests.Customers;

public sealed class CustomerSessionTests
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Archiving_a_customer_ends_their_sessions_so_their_key_no_longer_creates_orders(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var shop = await Shop.OpenAsync(host);
        var first = await shop.Tenant.PostOk($"/api/v1/customers/{shop.Customer}/sessions", new { });
        var second = await shop.Tenant.PostOk($"/api/v1/customers/{shop.Customer}/sessions", new { });
        var asCustomer = host.Client(first.Str("token"));
        var order = new { lines = new[] { new { planId = shop.Package } } };
        (await asCustomer.PostAsJsonAsync("/api/v1/orders", order)).StatusCode.ShouldBe(HttpStatusCode.Created);

        (await shop.Tenant.PostOk($"/api/v1/customers/{shop.Customer}/archive", new { })).Str("status").ShouldBe("archived");

        await (await asCustomer.PostAsJsonAsync("/api/v1/orders", order)).ShouldBeProblem(401);
        await (await host.Client(second.Str("token")).GetAsync($"/api/v1/customers/{shop.Customer}")).ShouldBeProblem(401);
        Assert.Single(await shop.Tenant.ListAll($"/api/v1/orders?customerId={shop.Customer}"));
        var sessions = await shop.Tenant.ListAll($"/api/v1/customers/{shop.Customer}/sessions");
        Assert.Equal([first.Id(), second.Id()], sessions.Select(s => s.Id()));
        Assert.All(sessions, s => s.Str("status").ShouldBe("revoked"));
        // Revoked together, in the archive's one commit.
        Assert.Single(sessions.Select(s => s.Str("revokedAt")).Distinct());

        // An archived customer gets no new session either.
        await (await shop.Tenant.Post($"/api/v1/customers/{shop.Customer}/sessions", new { })).ShouldBeProblem(404);
        // Archiving again changes nothing and ends nothing more.
        await shop.Tenant.PostOk($"/api/v1/customers/{shop.Customer}/archive", new { });
        Assert.Equal(sessions.Select(s => s.GetRawText()),
            (await shop.Tenant.ListAll($"/api/v1/customers/{shop.Customer}/sessions")).Select(s => s.GetRawText()));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_session_that_escaped_the_archive_is_still_refused_because_its_customer_is_archived(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var shop = await Shop.OpenAsync(host);
        var session = await shop.Tenant.PostOk($"/api/v1/customers/{shop.Customer}/sessions", new { });
        var asCustomer = host.Client(session.Str("token"));

        // As if the session had been made while the archive was being saved: the customer is archived, the key is not revoked.
        await host.InTenantAsync(shop.Tenant.TenantId, db =>
            db.Customers.Where(c => c.Id == shop.Customer).ExecuteUpdateAsync(c => c.SetProperty(x => x.ArchivedAt, (DateTimeOffset?)DateTimeOffset.UnixEpoch)));

        (await shop.Tenant.GetOk($"/api/v1/customers/{shop.Customer}/sessions")).Items().Single().Str("status").ShouldBe("active");
        await (await asCustomer.PostAsJsonAsync("/api/v1/orders", new { lines = new[] { new { planId = shop.Package } } })).ShouldBeProblem(401);
        await (await asCustomer.GetAsync($"/api/v1/customers/{shop.Customer}")).ShouldBeProblem(401);
        Assert.Empty(await shop.Tenant.ListAll($"/api/v1/orders?customerId={shop.Customer}"));
        // The tenant's own keys are not customer keys and are untouched by this.
        (await shop.Tenant.Http.GetAsync("/api/v1/plans")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task An_archived_customer_cannot_order_even_on_a_request_that_got_past_authentication(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var shop = await Shop.OpenAsync(host);
        await shop.Tenant.PostOk($"/api/v1/customers/{shop.Customer}/archive", new { });

        // The request as the customer's key would have made it, had it been checked just before the archive.
        await using var scope = host.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(shop.Tenant.TenantId, Role.Customer, shop.Customer);
        var placed = await scope.ServiceProvider.GetRequiredService<PlaceOrder>()
            .Run(new OrderInput(null, [new OrderLineInput(shop.Package, null, null, null)]), CancellationToken.None);

        Assert.NotNull(placed.Problem);
        Assert.Contains("customerId", placed.Problem.Errors!.Keys);
        Assert.Empty(await shop.Tenant.ListAll($"/api/v1/orders?customerId={shop.Customer}"));
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Staff_list_a_customers_sessions_with_their_status_and_never_their_secret(Engine engine)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero));
        await using var host = await PaydeskHost.StartAsync(engine, new HostOptions { Clock = clock });
        var tenant = await host.NewTenantAsync();
        var staff = host.Client((await tenant.PostOk("/api/v1/api-keys", new { name = "Front desk", role = "staff" })).Str("secret"));
        var maria = await tenant.CreateCustomerAsync("Maria");
        var ion = await tenant.CreateCustomerAsync("Ion", "ion@example.com");

        var shortLived = await tenant.PostOk($"/api/v1/customers/{maria}/sessions", new { ttlMinutes = 15 });
        var revoked = await tenant.PostOk($"/api/v1/customers/{maria}/sessions", new { ttlMinutes = 60 });
        var active = await tenant.PostOk($"/api/v1/customers/{maria}/sessions", new { ttlMinutes = 60 });
        var ions = await tenant.PostOk($"/api/v1/customers/{ion}/sessions", new { });
        await tenant.PostOk($"/api/v1/customers/{maria}/sessions/{revoked.Id()}/revoke", new { });
        clock.Advance(TimeSpan.FromMinutes(16));

        var page = await (await staff.GetAsync($"/api/v1/customers/{maria}/sessions?limit=2")).Json();
        Assert.Equal(2, page.Items().Count());
        Assert.NotNull(page.GetProperty("nextCursor").GetString());
        var sessions = await tenant.ListAll($"/api/v1/customers/{maria}/sessions?limit=1");
        Assert.Equal([shortLived.Id(), revoked.Id(), active.Id()], sessions.Select(s => s.Id()));
        Assert.Equal(["expired", "revoked", "active"], sessions.Select(s => s.Str("status")));
        Assert.Equal(shortLived.GetProperty("expiresAt").GetDateTimeOffset(), sessions[0].GetProperty("expiresAt").GetDateTimeOffset());
        Assert.Equal(new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero), sessions[1].GetProperty("revokedAt").GetDateTimeOffset());
        Assert.Equal(JsonValueKind.Null, sessions[2].GetProperty("revokedAt").ValueKind);
        Assert.Equal(new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero), sessions[2].GetProperty("createdAt").GetDateTimeOffset());
        Assert.StartsWith(sessions[2].Str("hint").TrimEnd('…'), active.Str("token"), StringComparison.Ordinal);

        var raw = string.Join("\n", sessions.Select(s => s.GetRawText()));
        foreach (var token in new[] { shortLived, revoked, active }.Select(s => s.Str("token")))
        {
            Assert.DoesNotContain(token, raw);
            Assert.DoesNotContain(ApiKey.HashSecret(token), raw);
        }
        Assert.DoesNotContain(ions.Id(), raw);
        Assert.All(sessions, s => Assert.Equal(["id", "hint", "status", "createdAt", "expiresAt", "revokedAt"],
            s.EnumerateObject().Select(p => p.Name)));
        // The tenant's own keys are not anyone's sessions.
        Assert.Equal([ions.Id()], (await tenant.ListAll($"/api/v1/customers/{ion}/sessions")).Select(s => s.Id()));

        await (await tenant.Http.GetAsync("/api/v1/customers/cus_nosuchcustomer/sessions")).ShouldBeProblem(404);
        await (await tenant.Http.GetAsync($"/api/v1/customers/{maria}/sessions?limit=0")).ShouldBeProblem(400, "limit");
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Revoking_one_session_leaves_the_others_working(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var tenant = await host.NewTenantAsync();
        var staff = host.Client((await tenant.PostOk("/api/v1/api-keys", new { name = "Front desk", role = "staff" })).Str("secret"));
        var maria = await tenant.CreateCustomerAsync("Maria");
        var ion = await tenant.CreateCustomerAsync("Ion", "ion@example.com");
        var phone = await tenant.PostOk($"/api/v1/customers/{maria}/sessions", new { });
        var laptop = await tenant.PostOk($"/api/v1/customers/{maria}/sessions", new { });

        var ended = await (await staff.PostAsJsonAsync($"/api/v1/customers/{maria}/sessions/{phone.Id()}/revoke", new { })).Json();
        ended.Id().ShouldBe(phone.Id());
        ended.Str("status").ShouldBe("revoked");
        await (await host.Client(phone.Str("token")).GetAsync($"/api/v1/customers/{maria}")).ShouldBeProblem(401);
        (await host.Client(laptop.Str("token")).GetAsync($"/api/v1/customers/{maria}")).StatusCode.ShouldBe(HttpStatusCode.OK);

        // Revoking twice keeps the first time.
        var again = await tenant.PostOk($"/api/v1/customers/{maria}/sessions/{phone.Id()}/revoke", new { });
        again.Str("revokedAt").ShouldBe(ended.Str("revokedAt"));

        // A session is revoked only through its own customer.
        await (await tenant.Post($"/api/v1/customers/{ion}/sessions/{laptop.Id()}/revoke", new { })).ShouldBeProblem(404);
        await (await tenant.Post($"/api/v1/customers/cus_nosuchcustomer/sessions/{laptop.Id()}/revoke", new { })).ShouldBeProblem(404);
        await (await tenant.Post($"/api/v1/customers/{maria}/sessions/key_nosuchkey/revoke", new { })).ShouldBeProblem(404);
        // Nor is a tenant key a session: it cannot be revoked this way.
        var staffKey = (await tenant.ListAll("/api/v1/api-keys")).First(k => k.Str("role") == "staff").Id();
        await (await tenant.Post($"/api/v1/customers/{maria}/sessions/{staffKey}/revoke", new { })).ShouldBeProblem(404);
        (await staff.GetAsync("/api/v1/plans")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await host.Client(laptop.Str("token")).GetAsync($"/api/v1/customers/{maria}")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Signing_a_customer_out_everywhere_revokes_every_active_session_and_says_how_many(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var tenant = await host.NewTenantAsync();
        var maria = await tenant.CreateCustomerAsync("Maria");
        var ion = await tenant.CreateCustomerAsync("Ion", "ion@example.com");
        var sessions = new List<JsonElement>();
        for (var i = 0; i < 3; i++) sessions.Add(await tenant.PostOk($"/api/v1/customers/{maria}/sessions", new { }));
        var earlier = await tenant.PostOk($"/api/v1/customers/{maria}/sessions/{sessions[0].Id()}/revoke", new { });
        var ions = await tenant.PostOk($"/api/v1/customers/{ion}/sessions", new { });

        (await tenant.PostOk($"/api/v1/customers/{maria}/sessions/revoke", new { })).GetProperty("revoked").GetInt32().ShouldBe(2);

        foreach (var session in sessions)
            await (await host.Client(session.Str("token")).GetAsync($"/api/v1/customers/{maria}")).ShouldBeProblem(401);
        var listed = await tenant.ListAll($"/api/v1/customers/{maria}/sessions");
        Assert.All(listed, s => s.Str("status").ShouldBe("revoked"));
        listed[0].Str("revokedAt").ShouldBe(earlier.Str("revokedAt"));
        (await host.Client(ions.Str("token")).GetAsync($"/api/v1/customers/{ion}")).StatusCode.ShouldBe(HttpStatusCode.OK);

        (await tenant.PostOk($"/api/v1/customers/{maria}/sessions/revoke", new { })).GetProperty("revoked").GetInt32().ShouldBe(0);
        // Unlike archiving, signing out leaves the customer able to start a new session.
        var fresh = await tenant.PostOk($"/api/v1/customers/{maria}/sessions", new { });
        (await host.Client(fresh.Str("token")).GetAsync($"/api/v1/customers/{maria}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        await (await tenant.Post("/api/v1/customers/cus_nosuchcustomer/sessions/revoke", new { })).ShouldBeProblem(404);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Another_tenant_can_neither_see_nor_revoke_a_customers_sessions(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var alice = await host.NewTenantAsync();
        var bob = await host.NewTenantAsync();
        var customer = await alice.CreateCustomerAsync();
        var session = await alice.PostOk($"/api/v1/customers/{customer}/sessions", new { });

        await (await bob.Http.GetAsync($"/api/v1/customers/{customer}/sessions")).ShouldBeProblem(404);
        await (await bob.Post($"/api/v1/customers/{customer}/sessions/{session.Id()}/revoke", new { })).ShouldBeProblem(404);
        await (await bob.Post($"/api/v1/customers/{customer}/sessions/revoke", new { })).ShouldBeProblem(404);
        await (await bob.Post($"/api/v1/customers/{customer}/archive", new { })).ShouldBeProblem(404);

        (await host.Client(session.Str("token")).GetAsync($"/api/v1/customers/{customer}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        // Alice's own key does see it: the 404s above are isolation, not a broken route.
        (await alice.GetOk($"/api/v1/customers/{customer}/sessions")).Items().Single().Str("status").ShouldBe("active");
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_customer_key_may_not_list_or_revoke_sessions_but_may_sign_itself_out(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var tenant = await host.NewTenantAsync();
        var maria = await tenant.CreateCustomerAsync("Maria");
        var phone = await tenant.PostOk($"/api/v1/customers/{maria}/sessions", new { });
        var laptop = await tenant.PostOk($"/api/v1/customers/{maria}/sessions", new { });
        var asPhone = host.Client(phone.Str("token"));

        await (await asPhone.GetAsync($"/api/v1/customers/{maria}/sessions")).ShouldBeProblem(403);
        await (await asPhone.PostAsJsonAsync($"/api/v1/customers/{maria}/sessions/revoke", new { })).ShouldBeProblem(403);
        await (await asPhone.PostAsJsonAsync($"/api/v1/customers/{maria}/sessions/{laptop.Id()}/revoke", new { })).ShouldBeProblem(403);
        (await host.Client(laptop.Str("token")).GetAsync($"/api/v1/customers/{maria}")).StatusCode.ShouldBe(HttpStatusCode.OK);

        var signedOut = await (await asPhone.PostAsJsonAsync($"/api/v1/customers/{maria}/sessions/{phone.Id()}/revoke", new { })).Json();
        signedOut.Str("status").ShouldBe("revoked");
        await (await asPhone.GetAsync($"/api/v1/customers/{maria}")).ShouldBeProblem(401);
        (await host.Client(laptop.Str("token")).GetAsync($"/api/v1/customers/{maria}")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
