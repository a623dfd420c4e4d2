namespace Paydesk.Tests.Demo;

public sealed class DemoDataTests
{
    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_clinic_demo_key_lists_the_package_the_subscription_and_the_hybrid_program(Engine engine)
    {
        await using var host = await PaydeskHost.StartAsync(engine, new HostOptions { Environment = "Development" });
        var clinic = host.Client("sk_test_demo_clinic");

        var plans = (await clinic.GetFromJsonAsync<JsonElement>("/api/v1/plans")).Items().ToDictionary(p => p.Str("name"));
        var services = (await clinic.GetFromJsonAsync<JsonElement>("/api/v1/services")).Items().ToDictionary(s => s.Id());

        var package = plans["10-session physiotherapy package"];
        package.GetProperty("price").GetProperty("price").GetProperty("amount").GetInt64().ShouldBe(1_500_00);
        var sessions = package.GetProperty("grants")[0];
        sessions.Str("type").ShouldBe("sessions");
        sessions.GetProperty("count").GetInt32().ShouldBe(10);
        sessions.GetProperty("validFor").GetProperty("count").GetInt32().ShouldBe(6);
        services[sessions.Str("serviceId")].Str("name").ShouldBe("Physiotherapy session");

        var telerehab = plans["Monthly telerehab"];
        telerehab.Str("type").ShouldBe("recurring");
        telerehab.GetProperty("interval").Str("unit").ShouldBe("month");
        telerehab.GetProperty("price").GetProperty("price").GetProperty("amount").GetInt64().ShouldBe(200_00);
        telerehab.GetProperty("grants")[0].Str("feature").ShouldBe("telerehab");

        var hybrid = plans["3-month recovery program"];
        Assert.Equal(["sessions", "access", "product"], hybrid.GetProperty("grants").EnumerateArray().Select(g => g.Str("type")));
        hybrid.GetProperty("grants")[0].GetProperty("count").GetInt32().ShouldBe(6);
        hybrid.GetProperty("grants")[1].GetProperty("term").GetProperty("count").GetInt32().ShouldBe(3);
        var bandId = hybrid.GetProperty("grants")[2].Str("productId");
        (await clinic.GetFromJsonAsync<JsonElement>($"/api/v1/products/{bandId}")).Str("name").ShouldBe("Resistance band");

        var consultation = services.Values.Single(s => s.Str("name") == "Consultation");
        consultation.GetProperty("durationMinutes").GetInt32().ShouldBe(45);
        consultation.GetProperty("price").GetProperty("amount").GetInt64().ShouldBe(150_00);
        Assert.Equal(2, consultation.GetProperty("specialistIds").GetArrayLength());
        Assert.Contains("Telerehab + library", plans.Keys);
    }

    [Theory, MemberData(nameof(Engines.All), MemberType = typeof(Engines))]
    public async Task The_other_demo_tenants_sell_what_they_should(Engine engine)
    {
        await using var host = await PaydeskHost.StartAsync(engine, new HostOptions { Environment = "Development" });

        var listing = (await host.Client("sk_test_demo_platform").GetFromJsonAsync<JsonElement>("/api/v1/plans")).Items().ToList();
        Assert.Equal(["Featured clinic", "Online booking widget", "Verified clinic"], listing.Select(p => p.Str("name")));
        foreach (var plan in listing)
        {
            plan.Str("currency").ShouldBe("RUB");
            var terms = plan.GetProperty("terms").EnumerateArray()
                .Select(t => (Months: t.GetProperty("termMonths").GetInt32(), Total: t.GetProperty("price").GetProperty("amount").GetInt64())).ToList();
            Assert.Equal([1, 3, 6, 12], terms.Select(t => t.Months));
            var monthly = terms.Select(t => t.Total / t.Months).ToList();
            Assert.True(monthly.Zip(monthly.Skip(1)).All(p => p.First > p.Second), $"{plan.Str("name")}: monthly prices should fall: {string.Join(", ", monthly)}");
        }
        var platformCustomers = (await host.Client("sk_test_demo_platform").GetFromJsonAsync<JsonElement>("/api/v1/customers")).Items();
        Assert.Contains(platformCustomers, c => c.Str("name") == "Demo Physio Clinic");

        var coach = (await host.Client("sk_test_demo_coach").GetFromJsonAsync<JsonElement>("/api/v1/plans")).Items().Single();
        coach.Str("name").ShouldBe("First consultation");
        coach.GetProperty("price").GetProperty("price").Str("display").ShouldBe("30.00 USD");

        var bot = (await host.Client("sk_test_demo_bot").GetFromJsonAsync<JsonElement>("/api/v1/plans")).Items().ToDictionary(p => p.Str("name"));
        bot["Basic"].GetProperty("grants")[0].GetProperty("tokens").GetInt64().ShouldBe(100);
        bot["Basic"].GetProperty("grants")[0].Str("every").ShouldBe("period");
        bot["Pro"].GetProperty("price").GetProperty("price").GetProperty("amount").GetInt64().ShouldBe(990_00);
        bot["100 tokens"].Str("type").ShouldBe("one_time");
    }

    [Fact]
    public async Task Demo_keys_are_refused_outside_development()
    {
        var file = Path.Combine(Path.GetTempPath(), $"paydesk-demo-{Guid.NewGuid():N}.db");
        var connection = $"Data Source={file};Pooling=false";
        using var ring = new SharedKeyRing();
        try
        {
            await using (var development = await PaydeskHost.StartAsync(Engine.Sqlite, new HostOptions { Environment = "Development", ConnectionString = connection, KeyRingPath = ring.Path }))
                (await development.Client("sk_test_demo_clinic").GetAsync("/api/v1/plans")).StatusCode.ShouldBe(HttpStatusCode.OK);

            await using var production = await PaydeskHost.StartAsync(Engine.Sqlite, new HostOptions { Environment = "Production", ConnectionString = connection, KeyRingPath = ring.Path });
            await (await production.Client("sk_test_demo_clinic").GetAsync("/api/v1/plans")).ShouldBeProblem(401);
        }
        finally
        {
            foreach (var f in new[] { file, file + "-wal", file + "-shm" }) File.Delete(f);
        }
    }

    [Fact]
    public async Task Demo_data_is_written_once()
    {
        var file = Path.Combine(Path.GetTempPath(), $"paydesk-demo-{Guid.NewGuid():N}.db");
        var connection = $"Data Source={file};Pooling=false";
        using var ring = new SharedKeyRing();
        try
        {
            await (await PaydeskHost.StartAsync(Engine.Sqlite, new HostOptions { Environment = "Development", ConnectionString = connection, KeyRingPath = ring.Path })).DisposeAsync();
            await using var again = await PaydeskHost.StartAsync(Engine.Sqlite, new HostOptions { Environment = "Development", ConnectionString = connection, KeyRingPath = ring.Path });
            var plans = await again.Client("sk_test_demo_bot").GetFromJsonAsync<JsonElement>("/api/v1/plans");
            Assert.Equal(3, plans.Items().Count());
        }
        finally
        {
            foreach (var f in new[] { file, file + "-wal", file + "-shm" }) File.Delete(f);
        }
    }
}
