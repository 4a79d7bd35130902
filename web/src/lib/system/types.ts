/** The system settings' rows as the API returns them (see worker/writer/*-routes.ts). */
export interface AuthorProfile {
  id: number;
  name: string;
  description: string;
  tone: string;
  language: string;
  structure_template: unknown;
  is_active: boolean;
  created_at: string;
  updated_at: string;
}

export interface Strategy {
  id: number;
  sector_id: number | null;
  name: string;
  description: string;
  prompt_types: string[];
  section_logic: unknown;
  is_active: boolean;
  created_at: string;
  updated_at: string;
}
