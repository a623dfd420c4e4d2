using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;

namespace Paydesk.Tests.Infrastructure;

/// <summary>
/// One module's registrations on a bare service collection, with the settings and environment a
/// test gives: for tests of what a module makes of its settings, without starting Paydesk.
/// </summary>
public static class ModuleServices
{
    /// <summary>The content root the environment reports; relative paths in settings resolve under it.</summary>
    public static readonly string ContentRoot = Path.Combine(Path.GetTempPath(), "paydesk-content-root");

    public static ServiceProvider Build(
        string environment, Dictionary<string, string?> settings, Action<IServiceCollection, IConfiguration, IHostEnvironment> register)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging();
        register(services, configuration, new Environment(environment));
        return services.BuildServiceProvider();
    }

    private sealed class Environment(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;
        public string ApplicationName { get; set; } = "Paydesk";
        public string ContentRootPath { get; set; } = ContentRoot;
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
