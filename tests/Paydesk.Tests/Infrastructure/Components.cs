using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Paydesk.Tests.Infrastructure;

/// <summary>
/// A page's component rendered to HTML without a server, with the encoder the service uses (every
/// letter as it is): for tests of what a page writes from values a server could not easily be made
/// to hold.
/// </summary>
public static class Components
{
    public static async Task<string> RenderAsync<T>(object parameters) where T : IComponent
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(HtmlEncoder.Create(UnicodeRanges.All));
        await using var provider = services.BuildServiceProvider();
        await using var renderer = new HtmlRenderer(provider, provider.GetRequiredService<ILoggerFactory>());
        var values = parameters.GetType().GetProperties().ToDictionary(p => p.Name, p => p.GetValue(parameters));
        return await renderer.Dispatcher.InvokeAsync(async () =>
            (await renderer.RenderComponentAsync<T>(ParameterView.FromDictionary(values))).ToHtmlString());
    }
}
