namespace Paydesk.Tests.Tenancy;

public sealed class TenantIsolationTests
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_tenant_key_never_reads_another_tenants_rows_even_by_guessing_ids(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var alice = await host.NewTenantAsync();
        var bob = await host.NewTenantAsync();

        var serviceId = await alice.CreateServiceAsync();
        var customerId = await alice.CreateCustomerAsync();
        var plan = await alice.PostOk("/api/v1/plans", new
        {
            name = "Package", price = new { amount = 1_500_00, currency = "RON" },
            grants = new[] { new { type = "sessions", serviceId, count = 10 } },
        });
        var productId = (await alice.PostOk("/api/v1/products", new { sku = "BAND", name = "Band", price = new { amount = 45_00, currency = "RON" } })).Id();

        foreach (var (list, id) in new[] { ("plans", plan.Id()), ("services", serviceId), ("customers", customerId), ("products", productId) })
        {
            var bobSees = await bob.ListAll($"/api/v1/{list}");
            Assert.DoesNotContain(bobSees, item => item.Id() == id);
            (await bob.Http.GetAsync($"/api/v1/{list}/{id}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
            // Alice's own key does see them: the 404 above is isolation, not a broken route.
            (await alice.Http.GetAsync($"/api/v1/{list}/{id}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        }
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_tenant_key_never_changes_another_tenants_rows(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var alice = await host.NewTenantAsync();
        var bob = await host.NewTenantAsync();
        var serviceId = await alice.CreateServiceAsync();
        var customerId = await alice.CreateCustomerAsync(name: "Alice's patient");
        var planId = (await alice.PostOk("/api/v1/plans", new { name = "Consultation", price = new { amount = 150_00, currency = "RON" } })).Id();

        var patch = await bob.Http.PatchAsJsonAsync($"/api/v1/customers/{customerId}", new { name = "Hijacked" });
        await patch.ShouldBeProblem(404);
        await (await bob.Http.PatchAsJsonAsync($"/api/v1/plans/{planId}", new { price = new { amount = 1, currency = "RON" } })).ShouldBeProblem(404);
        await (await bob.Post($"/api/v1/plans/{planId}/archive", new { })).ShouldBeProblem(404);
        await (await bob.Post($"/api/v1/services/{serviceId}/archive", new { })).ShouldBeProblem(404);
        await (await bob.Post($"/api/v1/customers/{customerId}/sessions", new { })).ShouldBeProblem(404);

        // Nor can Bob build on Alice's catalog: her service is not one of his.
        var stolenGrant = await bob.Post("/api/v1/plans", new
        {
            name = "Stolen", price = new { amount = 100, currency = "RON" },
            grants = new[] { new { type = "sessions", serviceId, count = 1 } },
        });
        await stolenGrant.ShouldBeProblem(400, "grants[0].serviceId");

        var customer = await alice.GetOk($"/api/v1/customers/{customerId}");
        customer.Str("name").ShouldBe("Alice's patient");
        var plan = await alice.GetOk($"/api/v1/plans/{planId}");
        plan.Str("status").ShouldBe("active");
        plan.GetProperty("version").GetInt32().ShouldBe(1);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task A_customer_session_sees_only_that_customer(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var clinic = await host.NewTenantAsync();
        var maria = await clinic.CreateCustomerAsync("Maria");
        var ion = await clinic.CreateCustomerAsync("Ion", "ion@example.com");

        var session = await clinic.PostOk($"/api/v1/customers/{maria}/sessions", new { ttlMinutes = 30 });
        var token = session.Str("token");
        Assert.StartsWith("ck_", token);
        var asMaria = host.Client(token);

        var page = await asMaria.GetFromJsonAsync<JsonElement>("/api/v1/customers");
        Assert.Equal([maria], page.Items().Select(c => c.Id()));
        (await asMaria.GetAsync($"/api/v1/customers/{ion}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await asMaria.PatchAsJsonAsync($"/api/v1/customers/{ion}", new { name = "x" })).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        // Maria may correct her own contact details, and read the catalog, but not change it.
        (await asMaria.PatchAsJsonAsync($"/api/v1/customers/{maria}", new { phone = "+40 700 000 000" })).EnsureSuccessStatusCode();
        (await asMaria.GetAsync("/api/v1/plans")).StatusCode.ShouldBe(HttpStatusCode.OK);
        await (await asMaria.PostAsJsonAsync("/api/v1/plans", new { name = "x", price = new { amount = 1, currency = "RON" } })).ShouldBeProblem(403);
        await (await asMaria.PostAsync($"/api/v1/customers/{ion}/sessions", null)).ShouldBeProblem(403);
        await (await asMaria.GetAsync("/api/v1/api-keys")).ShouldBeProblem(403);

        // A session needs no body: it lasts an hour unless told otherwise.
        var ionSession = await clinic.Http.PostAsync($"/api/v1/customers/{ion}/sessions", null);
        ionSession.StatusCode.ShouldBe(HttpStatusCode.Created);
        var expiresIn = (await ionSession.Json()).GetProperty("expiresAt").GetDateTimeOffset() - TimeProvider.System.GetUtcNow();
        Assert.InRange(expiresIn, TimeSpan.FromMinutes(55), TimeSpan.FromMinutes(60));
    }

    /// <summary>
    /// Database contexts (and, on PostgreSQL, connections) are reused from request to request: many
    /// callers of two tenants at once, one of them a customer's session, each see only their own rows.
    /// </summary>
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Callers_of_two_tenants_at_once_each_see_only_their_own(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var (alice, bob) = (await host.NewTenantAsync(), await host.NewTenantAsync());
        var alices = new[] { await alice.CreateCustomerAsync("A1"), await alice.CreateCustomerAsync("A2") };
        var bobs = new[] { await bob.CreateCustomerAsync("B1") };
        var session = (await alice.PostOk($"/api/v1/customers/{alices[0]}/sessions", new { ttlMinutes = 30 })).Str("token");
        // Each caller, what it sees, and a customer it must not see.
        var callers = new (HttpClient Client, string[] Sees, string NotSeen)[]
        {
            (alice.Http, alices, bobs[0]), (bob.Http, bobs, alices[0]), (host.Client(session), [alices[0]], alices[1]),
        };

        var seen = await Task.WhenAll(Enumerable.Range(0, 150).Select(async i =>
        {
            var (client, sees, notSeen) = callers[i % callers.Length];
            var page = await client.GetFromJsonAsync<JsonElement>("/api/v1/customers?limit=10");
            var stranger = await client.GetAsync($"/api/v1/customers/{notSeen}");
            return (Expected: sees, Got: page.Items().Select(c => c.Id()).ToArray(), StrangerStatus: stranger.StatusCode);
        }));

        Assert.All(seen, s =>
        {
            Assert.Equal(s.Expected.Order(), s.Got.Order());
            s.StrangerStatus.ShouldBe(HttpStatusCode.NotFound);
        });
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task Saving_a_row_under_another_tenant_is_refused_below_the_api(Engine engine)
    {
        var host = await PaydeskHost.Shared(engine);
        var alice = await host.NewTenantAsync();
        var bob = await host.NewTenantAsync();
        var customerId = await alice.CreateCustomerAsync("Kept");

        // Bob's unit of work cannot even see Alice's row to change it...
        var seen = await host.InTenantAsync(bob.TenantId, db => db.Customers.FindAsync(alice.TenantId, customerId).AsTask());
        Assert.Null(seen);
        // ...and a row of Alice's smuggled into Bob's unit of work is refused on save.
        await Assert.ThrowsAsync<InvalidOperationException>(() => host.InTenantAsync(bob.TenantId, async db =>
        {
            db.Customers.Add(new Paydesk.Customers.Customer
            {
                TenantId = alice.TenantId, Id = "cus_smuggled", Name = "x", Locale = "en", TimeZone = "UTC",
            });
            return await db.SaveChangesAsync();
        }));
        Assert.Null(await host.InTenantAsync(alice.TenantId, db => db.Customers.FindAsync(alice.TenantId, "cus_smuggled").AsTask()));
    }
}
