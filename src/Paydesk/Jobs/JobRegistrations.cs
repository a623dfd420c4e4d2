namespace Paydesk.Jobs;

public static class JobRegistrations
{
    public static IServiceCollection AddJobs(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<JobOptions>(configuration.GetSection("Jobs"));
        var problems = configuration.GetSection("Jobs").Get<JobOptions>()?.Problems().ToList() ?? [];
        if (problems.Count > 0) throw new InvalidOperationException(string.Join(" ", problems));

        services.AddSingleton<JobSignal>();
        services.AddSingleton<Storage.AfterCommit, JobWakeUp>();
        services.AddSingleton<JobQueue>();
        services.AddSingleton<JobRunner>();
        services.AddHostedService(sp => sp.GetRequiredService<JobRunner>());
        services.AddSingleton<IJobHandler, PruneFinishedJobs>();
        return services;
    }
}
