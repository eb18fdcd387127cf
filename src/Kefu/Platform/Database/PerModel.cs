using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Kefu.Platform.Database;

/// <summary>
/// A compiled EF query (<see cref="EF.CompileAsyncQuery{TContext, TResult}(System.Linq.Expressions.Expression{Func{TContext, TResult}})"/>
/// or one of its overloads) held once per model. EF binds a compiled query to the first model it runs with and throws
/// <c>CompiledQueryDifferentModel</c> for any other, and a test process runs SQLite and PostgreSQL apps side by side;
/// a server has one model, so this costs one weak-table lookup per call (decision 0045). Declare it static with the
/// factory that compiles the query: <c>static readonly PerModel&lt;Func&lt;KefuDb, long, CancellationToken, Task&lt;X?&gt;&gt;&gt; Q =
/// new(() =&gt; EF.CompileAsyncQuery(...))</c>, then call <c>Q.For(db)(db, id, ct)</c>.
/// </summary>
public sealed class PerModel<TDelegate> where TDelegate : class
{
    private readonly ConditionalWeakTable<IModel, TDelegate> _byModel = new();
    private readonly ConditionalWeakTable<IModel, TDelegate>.CreateValueCallback _compile;

    public PerModel(Func<TDelegate> compile) => _compile = _ => compile();

    /// <summary>The query compiled for <paramref name="db"/>'s model.</summary>
    public TDelegate For(DbContext db) =>
        _byModel.TryGetValue(db.Model, out var query) ? query : _byModel.GetValue(db.Model, _compile);
}
