using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Paydesk.Notifications.Email;

public static class EmailRegistrations
{
    /// <summary>
    /// Binds <see cref="EmailOptions"/> from <c>Email</c> (checked when the host starts) and registers
    /// the <see cref="IEmailSender"/> of the mode: <see cref="SmtpEmailSender"/>, or
    /// <see cref="MailboxFolderEmailSender"/> (also as itself, for <c>/dev/mail</c>).
    /// </summary>
    public static IServiceCollection AddEmail(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        var section = configuration.GetSection(EmailOptions.Section);
        var mode = ReadMode(section["Mode"], environment);
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<EmailOptions>()
            .Bind(section)
            .Configure(o => o.Mode = mode)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EmailOptions>, EmailOptionsValidation>());

        if (mode == EmailMode.Folder)
        {
            services.AddSingleton(sp => new MailboxFolderEmailSender(
                Path.Combine(environment.ContentRootPath, sp.GetRequiredService<IOptions<EmailOptions>>().Value.Folder),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<MailboxFolderEmailSender>>()));
            services.AddSingleton<IEmailSender>(sp => sp.GetRequiredService<MailboxFolderEmailSender>());
        }
        else
        {
            services.AddSingleton<IEmailSender, SmtpEmailSender>();
        }
        return services;
    }

    private static EmailMode ReadMode(string? configured, IHostEnvironment environment) =>
        configured?.Trim().ToLowerInvariant() switch
        {
            null or "" => environment.IsDevelopment() ? EmailMode.Folder : EmailMode.Smtp,
            "smtp" => EmailMode.Smtp,
            "folder" => EmailMode.Folder,
            var other => throw new InvalidOperationException($"Email:Mode '{other}' is not known; use smtp or folder."),
        };
}
