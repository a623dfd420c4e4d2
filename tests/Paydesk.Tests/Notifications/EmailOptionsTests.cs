using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Paydesk.Notifications.Email;

namespace Paydesk.Tests.Notifications;

public sealed class EmailOptionsTests
{
    [Fact]
    public void Smtp_mode_without_a_host_stops_start_up_with_a_message_naming_the_setting()
    {
        var services = Services("Production", new() { ["Email:Mode"] = "smtp" });

        var failure = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());
        Assert.Contains("Email:Smtp:Host is required when Email:Mode is smtp", failure.Message);
    }

    [Fact]
    public void Every_bad_smtp_setting_is_named_at_once()
    {
        var services = Services("Production", new()
        {
            ["Email:Smtp:Host"] = "smtp.example.com",
            ["Email:Smtp:Port"] = "70000",
            ["Email:Smtp:TimeoutSeconds"] = "0",
            ["Email:Smtp:Username"] = "paydesk",
            ["Email:From:Address"] = "not an address",
        });

        var failure = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());
        foreach (var setting in new[] { "Email:Smtp:Port", "Email:Smtp:TimeoutSeconds", "Email:Smtp:Password", "Email:From:Address" })
            Assert.Contains(setting, failure.Message);
        Assert.DoesNotContain("Email:Smtp:Host", failure.Message);
    }

    [Fact]
    public void A_complete_smtp_configuration_starts_and_sends_through_smtp()
    {
        var services = Services("Production", new()
        {
            ["Email:Smtp:Host"] = "smtp.example.com",
            ["Email:Smtp:Port"] = "587",
            ["Email:Smtp:Security"] = "starttls",
            ["Email:Smtp:Username"] = "paydesk",
            ["Email:Smtp:Password"] = "secret",
            ["Email:From:Name"] = "Clinica",
        });

        services.GetRequiredService<IStartupValidator>().Validate();
        var options = services.GetRequiredService<IOptions<EmailOptions>>().Value;
        options.Mode.ShouldBe(EmailMode.Smtp);
        options.Smtp.Security.ShouldBe(SmtpSecurity.StartTls);
        options.Smtp.TimeoutSeconds.ShouldBe(30);
        options.DefaultFrom.ShouldBe(new EmailAddress("billing@paydesk.local", "Clinica"));
        Assert.IsType<SmtpEmailSender>(services.GetRequiredService<IEmailSender>());
        Assert.Null(services.GetService<MailboxFolderEmailSender>());
    }

    [Fact]
    public void Development_writes_to_data_mail_under_the_content_root_unless_told_otherwise()
    {
        var services = Services("Development", []);

        services.GetRequiredService<IStartupValidator>().Validate();
        services.GetRequiredService<IOptions<EmailOptions>>().Value.Mode.ShouldBe(EmailMode.Folder);
        var folder = Assert.IsType<MailboxFolderEmailSender>(services.GetRequiredService<IEmailSender>());
        Assert.Same(folder, services.GetRequiredService<MailboxFolderEmailSender>());
        folder.Folder.ShouldBe(Path.Combine(ContentRoot, "data", "mail"));

        var smtp = Services("Development", new() { ["Email:Mode"] = "SMTP", ["Email:Smtp:Host"] = "localhost" });
        Assert.IsType<SmtpEmailSender>(smtp.GetRequiredService<IEmailSender>());
    }

    [Fact]
    public void An_unknown_mode_or_security_names_its_setting()
    {
        var mode = Assert.Throws<InvalidOperationException>(() => Services("Production", new() { ["Email:Mode"] = "pigeon" }));
        Assert.Contains("Email:Mode", mode.Message);

        var services = Services("Production", new() { ["Email:Smtp:Host"] = "localhost", ["Email:Smtp:Security"] = "tls-please" });
        var security = Assert.ThrowsAny<Exception>(() => services.GetRequiredService<IStartupValidator>().Validate());
        Assert.Contains("Email:Smtp:Security", security.Message);
    }

    private static readonly string ContentRoot = ModuleServices.ContentRoot;

    private static ServiceProvider Services(string environment, Dictionary<string, string?> settings) =>
        ModuleServices.Build(environment, settings, (services, configuration, host) => services.AddEmail(configuration, host));
}
