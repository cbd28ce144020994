import { Component, type ReactNode } from 'react';
import i18n from '../i18n';

/** One broken page must not take the whole dashboard down. */
export class ErrorBoundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  override state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override render() {
    if (this.state.error) {
      return (
        <div className="card">
          <p className="error" role="alert">
            {i18n.t('error', { message: this.state.error.message })}
          </p>
          <button type="button" className="button" onClick={() => this.setState({ error: null })}>
            {i18n.t('retry')}
          </button>
        </div>
      );
    }
    return this.props.children;
  }
}
